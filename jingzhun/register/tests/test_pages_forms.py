"""Entry forms: create with members (errors next to the row, warnings need a reason, nothing written until
valid), edit, member edit, income entry with per-capita computed, and the code-list page."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.register.models import CodeItem, Household, HouseholdIncome, Member
from jingzhun.register.selectors import code_choices

from .factories import family
from .test_pages_common import code_lists, person, registered, unregistered  # noqa: F401

pytestmark = pytest.mark.django_db


def create_post(area, members, **household):
    data = {
        "area": area.pk,
        "address": "一组 8 号",
        "standard": "",
        "attribute": "",
        "main_cause": "",
        "has_power": "on",
        "has_broadcast_tv": "on",
        "water": "1",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "30",
    }
    data.update(household)
    for i, m in enumerate(members):
        for key, value in m.items():
            if isinstance(value, bool):
                if value:
                    data[f"members-{i}-{key}"] = "on"
            elif value is not None:
                data[f"members-{i}-{key}"] = str(value)
    return data


def bad_checksum(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_create_form_offers_only_villages_in_scope(client_for, personas):
    html = client_for(personas.village_a1).get("/register/new/").content.decode()
    assert "甲一村" in html and "一组" in html and "甲二村" not in html and "乙一村" not in html
    assert html[: html.index("<template")].count('data-testid="member-row"') == 4
    assert client_for(personas.cadre).get("/register/new/").status_code == 403


def test_village_officer_creates_household_with_members(client_for, personas):
    client = client_for(personas.village_a1)
    response = client.post("/register/new/", create_post(personas.tree.village_a1, family()))
    h = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/register/{h.pk}/"
    assert h.size == 4 and h.head_name == "张三丰" and h.poverty_status == "not_poor"
    assert h.members.get(name="张三丰").name_initials == "zsf"
    assert AuditEvent.objects.filter(action="household.create", actor=personas.village_a1).count() == 1


def test_untouched_empty_rows_are_ignored(client_for, personas):
    members = family()[:2] + [{"ethnicity": "01"}, {"ethnicity": "01"}]
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_a1, members)
    )
    assert response.status_code == 302 and Household.objects.get().size == 2


def test_bad_id_shows_chinese_error_next_to_the_member_row_and_writes_nothing(client_for, personas):
    members = family()
    members[2]["id_number"] = bad_checksum(members[2]["id_number"])
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_a1, members)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<ul class="errorlist" data-field="members-2-id_number"><li>张小军：身份证号校验位错误' in html
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    # The user's input is kept for correction.
    assert members[2]["id_number"] in html


def test_every_issue_is_shown_at_once(client_for, personas):
    members = family()
    members[1]["relation"] = "01"  # two heads
    members[3]["sex"] = "1"  # the daughter's ID says female
    members[3]["name"] = "<script>x</script>"
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_a1, members)
    )
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and "每户应有且只有 1 名户主，当前有 2 名" in html
    assert 'data-field="members-3-sex"' in html and "性别与身份证号不一致" in html
    assert 'data-field="members-3-name"' in html and "含有不允许的字符" in html
    assert "<script>x</script>" not in html
    assert Household.objects.count() == 0


def test_required_fields_are_named_in_chinese(client_for, personas):
    members = [{"name": "张三", "id_number": "", "relation": ""}]
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_a1, members)
    )
    html = response.content.decode()
    assert 'data-field="members-0-id_number"><li>该字段是必填项。' in html
    assert 'data-field="members-0-relation"' in html and Household.objects.count() == 0


def test_area_outside_scope_is_refused(client_for, personas):
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_b1, family())
    )
    assert 'data-field="area"' in response.content.decode() and Household.objects.count() == 0


def test_person_already_in_another_household_is_named_on_its_row(client_for, personas):
    existing = unregistered(personas)
    taken = existing.members.get(relation="01").id_number
    members = [person("张三丰", 45) | {"id_number": taken}]
    response = client_for(personas.village_a1).post(
        "/register/new/", create_post(personas.tree.village_a1, members)
    )
    html = response.content.decode()
    assert 'data-field="members-0-id_number"' in html and "同一人只能属于一户" in html
    assert Household.objects.count() == 1


def test_warnings_need_an_override_reason_which_is_stored(client_for, personas):
    client = client_for(personas.village_a1)
    data = create_post(personas.tree.village_a1, family(), main_cause="1")  # 因病 but nobody ill
    html = client.post("/register/new/", data).content.decode()
    assert 'data-testid="form-warnings"' in html and "没有长期慢性病或患大病的成员" in html
    assert 'data-testid="override-block"' in html and "请填写预警说明后再保存" in html
    assert Household.objects.count() == 0
    data["override_reason"] = "户主长期服药，慢性病证明待补"
    response = client.post("/register/new/", data)
    assert response.status_code == 302
    h = Household.objects.get()
    assert h.warning_override["reason"] == "户主长期服药，慢性病证明待补"
    assert "cause_illness" in h.warning_override["codes"]
    detail = client.get(f"/register/{h.pk}/").content.decode()
    assert "户主长期服药" in detail


def test_add_member_template_row_uses_the_formset_prefix(client_for, personas):
    html = client_for(personas.village_a1).get("/register/new/").content.decode()
    template = html[html.index('<template id="member-empty">') :]
    assert 'name="members-__prefix__-id_number"' in template[: template.index("</template>")]


def test_unregistered_household_is_edited_directly(client_for, personas):
    h = unregistered(personas)
    client = client_for(personas.village_a1)
    form = client.get(f"/register/{h.pk}/edit/").content.decode()
    assert 'data-testid="household-form"' in form and 'value="一组 12 号"' in form
    data = {
        "address": "二组 3 号",
        "phone": "13800001111",
        "water": "2",
        "house_grade": "C",
        "farmland_mu": "2.5",
        "has_power": "on",
        "reason": "入户核实",
    }
    response = client.post(f"/register/{h.pk}/edit/", data)
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.address == "二组 3 号" and h.house_grade == "C" and h.farmland_mu == Decimal("2.5")
    assert not h.has_broadcast_tv
    event = AuditEvent.objects.get(action="household.update")
    assert event.reason == "入户核实" and event.after["address"] == "二组 3 号"


def test_bank_account_is_not_shown_in_the_edit_form_and_kept_when_left_empty(client_for, personas):
    h = unregistered(personas, bank_name="农商银行", bank_account="6228480012345678")
    client = client_for(personas.village_a1)
    form = client.get(f"/register/{h.pk}/edit/").content.decode()
    assert "6228480012345678" not in form and "5678" in form
    assert client.post(f"/register/{h.pk}/edit/", {"address": "新址", "bank_account": ""}).status_code == 302
    h.refresh_from_db()
    assert h.bank_account == "6228480012345678" and h.address == "新址"
    client.post(f"/register/{h.pk}/edit/", {"address": "新址", "bank_account": "6228480099990000"})
    h.refresh_from_db()
    assert h.bank_account == "6228480099990000"


def test_edit_errors_are_shown_and_nothing_changes(client_for, personas):
    h = unregistered(personas)
    data = {"address": "x", "other_causes": ["1", "2", "3"], "house_year": "2999", "farmland_mu": "-1"}
    html = client_for(personas.village_a1).post(f"/register/{h.pk}/edit/", data).content.decode()
    assert 'data-field="other_causes"><li>“其他致贫原因”最多填写 2 项' in html
    assert 'data-field="house_year"><li>“建房年份”应在 1900 至' in html
    assert 'data-field="farmland_mu"><li>“耕地”不能为负数' in html
    h.refresh_from_db()
    assert h.address == "一组 12 号"


def test_registered_household_edit_points_village_officer_to_change_request(client_for, personas):
    h = registered(personas)
    client = client_for(personas.village_a1)
    html = client.get(f"/register/{h.pk}/edit/").content.decode()
    assert 'data-testid="registered-notice"' in html and "信息更正" in html
    assert 'data-testid="household-form"' not in html
    assert client.post(f"/register/{h.pk}/edit/", {"address": "改"}).status_code == 200
    h.refresh_from_db()
    assert h.address == "一组 12 号"
    head = h.members.get(relation="01")
    assert (
        'data-testid="registered-notice"' in client.get(f"/register/members/{head.pk}/edit/").content.decode()
    )
    # The township reviewer may edit it directly.
    response = client_for(personas.township_a).post(
        f"/register/{h.pk}/edit/", {"address": "改", "main_cause": "1", "attribute": "1", "standard": "1"}
    )
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.address == "改"


def test_cadre_without_change_capability_cannot_edit(client_for, personas):
    h = unregistered(personas)
    client = client_for(personas.cadre)
    assert client.get(f"/register/{h.pk}/").status_code == 200
    assert client.get(f"/register/{h.pk}/edit/").status_code == 403
    assert client.get(f"/register/{h.pk}/income/new/").status_code == 403


def test_member_edit_saves_through_the_service(client_for, personas):
    h = unregistered(personas)
    son = h.members.get(name="张小军")
    client = client_for(personas.village_a1)
    form = client.get(f"/register/members/{son.pk}/edit/").content.decode()
    # The full number is not put in the page: the field is empty and means "keep".
    assert son.id_number not in form and son.id_number[-4:] in form and "留空则保持不变" in form
    data = {
        "name": "张晓军",
        "id_number": "",
        "relation": "03",
        "ethnicity": "01",
        "education": "4",
        "in_school": "6",
        "health": "1",
        "labour": "1",
        "reason": "更正姓名",
    }
    response = client.post(f"/register/members/{son.pk}/edit/", data)
    assert response.status_code == 302
    number = son.id_number
    son.refresh_from_db()
    assert son.name == "张晓军" and son.name_initials == "zxj" and son.education == "4"
    assert son.id_number == number
    assert AuditEvent.objects.get(action="member.update").reason == "更正姓名"


def test_member_edit_shows_error_on_the_field(client_for, personas):
    h = unregistered(personas)
    son = h.members.get(name="张小军")
    data = {"name": "张小军", "id_number": son.id_number, "relation": "03", "birth_date": "2001-01-01"}
    html = client_for(personas.village_a1).post(f"/register/members/{son.pk}/edit/", data).content.decode()
    assert 'data-field="birth_date"' in html and "出生日期与身份证号不一致" in html
    son.refresh_from_db()
    assert son.birth_date != datetime.date(2001, 1, 1)


def income_post(**values):
    data = {
        "year": "2024",
        "wages": "10000",
        "business": "2000",
        "property_income": "0",
        "business_costs": "500",
        "transfers": "",
        "note": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
        "lines-0-program": "dibao",
        "lines-0-amount": "2400",
        "lines-1-program": "pension",
        "lines-1-amount": "1100",
    }
    data.update(values)
    return data


def test_income_form_computes_per_capita(client_for, personas):
    h = registered(personas)
    client = client_for(personas.village_a1)
    assert (
        "人均纯收入 = 家庭纯收入 ÷ 当年在册人口"
        in client.get(f"/register/{h.pk}/income/new/").content.decode()
    )
    response = client.post(f"/register/{h.pk}/income/new/", income_post())
    assert response.status_code == 302
    income = HouseholdIncome.objects.get(household=h, year=2024)
    assert income.transfers == Decimal("3500.00") and income.net_income == Decimal("15000.00")
    assert income.size == 4 and income.per_capita == Decimal("3750.00")
    assert sorted(income.transfer_lines.values_list("program", flat=True)) == ["dibao", "pension"]
    # Editing the year keeps the breakdown; deleting a line changes the total.
    edit = client.get(f"/register/{h.pk}/income/2024/").content.decode()
    assert 'value="2400.00"' in edit
    data = income_post(
        **{
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "2",
            "lines-0-program": "dibao",
            "lines-0-amount": "2400.00",
            "lines-1-program": "pension",
            "lines-1-amount": "1100.00",
            "lines-1-DELETE": "on",
        }
    )
    data.pop("year")
    assert client.post(f"/register/{h.pk}/income/2024/", data).status_code == 302
    income.refresh_from_db()
    assert income.transfers == Decimal("2400.00") and income.per_capita == Decimal("3475.00")


def test_income_form_rejects_negative_and_mismatched_totals(client_for, personas):
    h = registered(personas)
    client = client_for(personas.village_a1)
    html = client.post(f"/register/{h.pk}/income/new/", income_post(wages="-5")).content.decode()
    assert 'data-field="wages"' in html and HouseholdIncome.objects.count() == 0
    html = client.post(f"/register/{h.pk}/income/new/", income_post(transfers="9999")).content.decode()
    assert "与明细合计（3500）不一致" in html and HouseholdIncome.objects.count() == 0


def test_code_list_page_and_admin_adds_and_retires_a_code(client_for, personas):
    viewer = client_for(personas.village_a1)
    html = viewer.get("/register/codes/", {"kind": "cause"}).content.decode()
    assert "因病" in html and "交通条件落后" in html and 'data-testid="code-add"' not in html
    assert viewer.post("/register/codes/", {"kind": "cause", "code": "12", "name": "因婚"}).status_code == 403
    admin = client_for(personas.county_admin)
    response = admin.post("/register/codes/", {"kind": "cause", "code": "12", "name": "因婚"})
    assert response.status_code == 302
    assert ("12", "因婚") in code_choices("cause")
    assert AuditEvent.objects.filter(action="codeitem.add").exists()
    dup = admin.post("/register/codes/", {"kind": "cause", "code": "12", "name": "因丧"}).content.decode()
    assert "已有代码“12”" in dup
    item = CodeItem.objects.get(kind="cause", code="12")
    viewer = client_for(personas.village_a1)
    assert viewer.post(f"/register/codes/{item.pk}/toggle/").status_code == 403
    admin = client_for(personas.county_admin)
    assert admin.post(f"/register/codes/{item.pk}/toggle/").status_code == 302
    assert ("12", "因婚") not in code_choices("cause")
    assert AuditEvent.objects.filter(action="codeitem.deactivate").exists()
