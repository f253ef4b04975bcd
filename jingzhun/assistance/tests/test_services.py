"""Assistance services: each rule with its Chinese message and field, and the audit events they write."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.assistance import services
from jingzhun.assistance.models import Pairing, Visit, VisitPhoto, WorkTeamMember
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent

from .builders import cadre, not_registered, pair, registered, today

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"x" * 100


def fail(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(**kwargs)
    return info.value


# --- cadres --------------------------------------------------------------------------------------


def test_cadre_phone_must_be_a_chinese_number(personas):
    err = fail(cadre, personas=personas, phone="12345")
    assert err.field == "phone" and "有效的手机号" in err.message


def test_cadre_id_number_checksum_is_checked(personas):
    from jingzhun.register.tests.factories import id_number

    good = id_number(datetime.date(1990, 1, 1))
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    err = fail(cadre, personas=personas, id_number=bad)
    assert err.field == "id_number" and "校验位" in err.message


def test_cadre_id_number_is_unique_and_names_the_other_cadre(personas):
    from jingzhun.register.tests.factories import id_number

    number = id_number(datetime.date(1985, 1, 1))
    cadre(personas, name="甲", id_number=number)
    err = fail(cadre, personas=personas, name="乙", id_number=number)
    assert err.field == "id_number" and "“甲”" in err.message


def test_cadre_create_writes_an_audit_event_without_the_id_number(personas):
    from jingzhun.register.tests.factories import id_number

    c = cadre(personas, id_number=id_number(datetime.date(1980, 1, 1)))
    event = AuditEvent.objects.get(action="cadre.create", target_id=str(c.pk))
    assert event.after["name"] == "李帮扶" and event.after["id_number"] == "***"


def test_village_officer_cannot_register_a_cadre_in_another_village(personas):
    with pytest.raises(AccessDenied):
        services.cadre_save(
            actor=personas.village_a1,
            area=personas.tree.village_b1,
            data={"name": "x", "unit": "u", "unit_level": "village", "phone": "13900000001"},
        )


# --- pairings ------------------------------------------------------------------------------------


def test_pairing_needs_a_registered_or_monitored_household(personas):
    err = fail(pair, personas=personas, c=cadre(personas), h=not_registered(personas))
    assert err.field == "household" and "建档立卡户或监测对象" in err.message


def test_a_household_has_one_open_pairing(personas):
    h = registered(personas)
    pair(personas, cadre(personas, name="甲"), h)
    err = fail(pair, personas=personas, c=cadre(personas, name="乙"), h=h)
    assert err.field == "household" and "“甲”" in err.message and "先结束原结对" in err.message


def test_pairing_stops_at_the_county_maximum(personas):
    services.setting_save(
        actor=personas.county_admin,
        area=personas.tree.county,
        max_households_per_cadre=2,
        min_visits_per_month=1,
    )
    c = cadre(personas)
    pair(personas, c, registered(personas))
    pair(personas, c, registered(personas))
    err = fail(pair, personas=personas, c=c, h=registered(personas))
    assert err.field == "cadre" and "已联系 2 户，达到上限 2 户" in err.message


def test_a_cadres_own_maximum_overrides_the_county(personas):
    c = cadre(personas, max_households=1)
    pair(personas, c, registered(personas))
    err = fail(pair, personas=personas, c=c, h=registered(personas))
    assert "上限 1 户" in err.message


def test_pairing_and_its_end_are_audited(personas):
    h = registered(personas)
    p = pair(personas, cadre(personas), h, started_on=today() - datetime.timedelta(days=10))
    err = fail(
        services.pairing_end,
        actor=personas.village_a1,
        pairing=p,
        ended_on=today() - datetime.timedelta(days=20),
        reason="调整",
    )
    assert err.field == "ended_on" and "不能早于开始日期" in err.message
    err = fail(services.pairing_end, actor=personas.village_a1, pairing=p, ended_on=today(), reason=" ")
    assert err.field == "reason" and "结束原因" in err.message
    services.pairing_end(actor=personas.village_a1, pairing=p, ended_on=today(), reason="干部调动")
    assert AuditEvent.objects.filter(action="pairing.create", target_id=str(p.pk)).exists()
    event = AuditEvent.objects.get(action="pairing.end", target_id=str(p.pk))
    assert event.reason == "干部调动" and event.actor == personas.village_a1
    assert not Pairing.objects.filter(household=h, ended_on__isnull=True).exists()


def test_pairing_date_cannot_be_in_the_future(personas):
    err = fail(
        pair,
        personas=personas,
        c=cadre(personas),
        h=registered(personas),
        started_on=today() + datetime.timedelta(days=3),
    )
    assert err.field == "started_on" and "不能晚于今天" in err.message


# --- chain and teams -----------------------------------------------------------------------------


def test_leader_link_belongs_to_a_township(personas):
    err = fail(
        services.link_save,
        actor=personas.county_admin,
        kind="leader_township",
        area=personas.tree.village_a1,
        started_on=today(),
        person_name="王县长",
    )
    assert err.field == "area" and "乡" in err.message
    link = services.link_save(
        actor=personas.county_admin,
        kind="leader_township",
        area=personas.tree.township_a,
        started_on=today(),
        person_name="王县长",
        title="副县长",
    )
    assert AuditEvent.objects.filter(action="resplink.save", target_id=str(link.pk)).exists()


def test_link_needs_someone(personas):
    err = fail(
        services.link_save,
        actor=personas.county_admin,
        kind="department_village",
        area=personas.tree.village_a1,
        started_on=today(),
    )
    assert err.field == "cadre" and "责任人" in err.message


def test_work_team_is_stationed_in_a_village_with_one_first_secretary(personas):
    err = fail(
        services.team_save,
        actor=personas.county_admin,
        area=personas.tree.township_a,
        name="队",
        sending_unit="县教育局",
        started_on=today(),
    )
    assert err.field == "area" and "行政村" in err.message
    team = services.team_save(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        name="甲一村工作队",
        sending_unit="县教育局",
        started_on=today() - datetime.timedelta(days=30),
    )
    services.team_member_add(
        actor=personas.village_a1,
        team=team,
        cadre=cadre(personas, name="张书记"),
        role="first_secretary",
        started_on=today(),
    )
    err = fail(
        services.team_member_add,
        actor=personas.village_a1,
        team=team,
        cadre=cadre(personas, name="李"),
        role="first_secretary",
        started_on=today(),
    )
    assert err.field == "role" and "“张书记”" in err.message
    err = fail(
        services.team_member_add,
        actor=personas.village_a1,
        team=team,
        cadre=cadre(personas, name="赵"),
        role="member",
        started_on=today() - datetime.timedelta(days=60),
    )
    assert err.field == "started_on"
    assert AuditEvent.objects.filter(action="workteam.member_add").count() == 1


def test_ending_a_team_ends_its_members(personas):
    team = services.team_save(
        actor=personas.county_admin,
        area=personas.tree.village_a1,
        name="队",
        sending_unit="县教育局",
        started_on=today() - datetime.timedelta(days=30),
    )
    services.team_member_add(
        actor=personas.county_admin,
        team=team,
        cadre=cadre(personas),
        role="member",
        started_on=today() - datetime.timedelta(days=30),
    )
    services.team_save(
        actor=personas.county_admin,
        team=team,
        area=team.area,
        name=team.name,
        sending_unit=team.sending_unit,
        started_on=team.started_on,
        ended_on=today(),
    )
    assert not WorkTeamMember.objects.filter(ended_on__isnull=True).exists()


# --- visits --------------------------------------------------------------------------------------


def visit(personas, actor=None, **kw):
    h = kw.pop("household")
    return services.visit_record(
        actor=actor or personas.village_a1,
        household=h,
        cadre=kw.pop("cadre"),
        visited_on=kw.pop("visited_on", today()),
        content=kw.pop("content", "了解产业发展情况"),
        **kw,
    )


def test_visit_with_photos_is_stored_and_audited(personas):
    h, c = registered(personas), cadre(personas)
    pair(personas, c, h)
    v = visit(
        personas,
        household=h,
        cadre=c,
        photos=[
            SimpleUploadedFile("门前.jpg", JPEG, content_type="image/jpeg"),
            SimpleUploadedFile("签字.pdf", PDF, content_type="application/pdf"),
        ],
    )
    photos = list(VisitPhoto.objects.filter(visit=v))
    assert [p.content_type for p in photos] == ["image/jpeg", "application/pdf"]
    assert all(p.file.name.startswith("assistance/visits/") and "门前" not in p.file.name for p in photos)
    assert photos[0].file.read() == JPEG
    event = AuditEvent.objects.get(action="visit.create", target_id=str(v.pk))
    assert event.after["photos"] == 2


def test_visit_rejects_a_file_that_is_not_an_image(personas):
    h, c = registered(personas), cadre(personas)
    pair(personas, c, h)
    err = fail(
        visit,
        personas=personas,
        household=h,
        cadre=c,
        photos=[SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")],
    )
    assert err.field == "photos" and "不是 JPG" in err.message
    err = fail(
        visit,
        personas=personas,
        household=h,
        cadre=c,
        photos=[SimpleUploadedFile("x.png", JPEG, content_type="image/png")],
    )
    assert err.field == "photos" and "扩展名与其内容不符" in err.message
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), content_type="image/jpeg")
    err = fail(visit, personas=personas, household=h, cadre=c, photos=[big])
    assert err.field == "photos" and "超过 5 MB" in err.message
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_visit_by_a_cadre_who_does_not_serve_the_household_is_refused(personas):
    h, c = registered(personas), cadre(personas)
    err = fail(visit, personas=personas, household=h, cadre=c)
    assert err.field == "cadre" and "不是该户的帮扶责任人" in err.message


def test_work_team_member_may_visit_households_of_the_village(personas):
    h, c = registered(personas), cadre(personas)
    team = services.team_save(
        actor=personas.county_admin,
        area=personas.tree.village_a1,
        name="队",
        sending_unit="县教育局",
        started_on=today() - datetime.timedelta(days=30),
    )
    services.team_member_add(
        actor=personas.county_admin,
        team=team,
        cadre=c,
        role="member",
        started_on=today() - datetime.timedelta(days=30),
    )
    assert visit(personas, household=h, cadre=c).pk


def test_visit_date_and_content_are_checked(personas):
    h, c = registered(personas), cadre(personas)
    pair(personas, c, h)
    err = fail(
        visit, personas=personas, household=h, cadre=c, visited_on=today() + datetime.timedelta(days=1)
    )
    assert err.field == "visited_on" and "不能晚于今天" in err.message
    err = fail(visit, personas=personas, household=h, cadre=c, content="  ")
    assert err.field == "content" and "走访内容" in err.message


def test_cadre_user_records_only_its_own_visits(personas):
    h = registered(personas)
    own = cadre(personas, name="本人", user=personas.cadre)
    other = cadre(personas, name="别人")
    pair(personas, other, h)
    with pytest.raises(AccessDenied) as info:
        visit(personas, actor=personas.cadre, household=h, cadre=other)
    assert "本人的走访" in info.value.message
    del own


def test_village_b1_officer_cannot_record_a_visit_in_a1(personas):
    h, c = registered(personas), cadre(personas)
    pair(personas, c, h)
    with pytest.raises(AccessDenied):
        visit(personas, actor=personas.village_b1, household=h, cadre=c)


# --- plans and settings --------------------------------------------------------------------------


def test_plan_measure_must_answer_one_of_the_households_causes(personas):
    from .builders import measure

    h = registered(personas, main_cause="1")
    err = fail(
        services.plan_save,
        actor=personas.village_a1,
        household=h,
        year=today().year,
        items=[{"measure": measure("yulu"), "cause": "3"}],
    )
    assert err.field == "items" and "第1项" in err.message and "不是该户的致贫原因" in err.message
    plan = services.plan_save(
        actor=personas.village_a1,
        household=h,
        year=today().year,
        goal="稳定增收",
        items=[{"measure": measure("family_doctor"), "cause": "1", "content": "签约"}],
    )
    assert [i.measure.code for i in plan.items.all()] == ["family_doctor"]
    assert AuditEvent.objects.get(action="plan.save").after["items"] == ["family_doctor"]


def test_plan_amount_cannot_be_negative(personas):
    from .builders import measure

    h = registered(personas)
    err = fail(
        services.plan_save,
        actor=personas.village_a1,
        household=h,
        year=today().year,
        items=[{"measure": measure("medical_aid"), "planned_amount": "-5"}],
    )
    assert err.field == "items" and "不能为负数" in err.message


def test_settings_are_per_county_and_in_range(personas):
    err = fail(
        services.setting_save,
        actor=personas.county_admin,
        area=personas.tree.township_a,
        max_households_per_cadre=5,
        min_visits_per_month=1,
    )
    assert err.field == "area"
    err = fail(
        services.setting_save,
        actor=personas.county_admin,
        area=personas.tree.county,
        max_households_per_cadre=0,
        min_visits_per_month=1,
    )
    assert err.field == "max_households_per_cadre" and "1 至 100" in err.message
    with pytest.raises(AccessDenied):
        services.setting_save(
            actor=personas.township_a,
            area=personas.tree.county,
            max_households_per_cadre=5,
            min_visits_per_month=2,
        )
    row = services.setting_save(
        actor=personas.county_admin,
        area=personas.tree.county,
        max_households_per_cadre=8,
        min_visits_per_month=2,
    )
    after = AuditEvent.objects.get(action="assistance.setting").after
    assert (after["max_households_per_cadre"], after["min_visits_per_month"]) == (8, 2)
    assert row.area_path == "513498"
