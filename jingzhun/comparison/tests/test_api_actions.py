"""Comparison API write actions on suspects, relatives and runs: the services' rules through the API
(the right persona acts, others get 403/404, bad input a 400 field map in Chinese, audit written), and the
confidentiality rules of department data hold for every persona."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingzhun.comparison.choices import SuspectStatus
from jingzhun.comparison.models import ComparisonRun, Relative, Suspect, SuspectVisit
from jingzhun.comparison.services_relatives import relative_add
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.testing import make_user
from jingzhun.register.models import Member
from jingzhun.register.tests.factories import id_number
from jingzhun.workflows.models import Procedure

from .builders import load_batch, person, registered, run_now

pytestmark = pytest.mark.django_db

API = "/api/v1/comparison"
TODAY = datetime.date.today()
VISIT = {
    "visited_on": TODAY.isoformat(),
    "visitors": "王村长、李队员",
    "findings": "确有轿车一辆，登记在户主名下",
}


@pytest.fixture
def world(personas, tmp_path):
    a1 = registered(personas)
    b1 = registered(personas, area=personas.tree.village_b1, members=[person("赵六", 50)])
    heads = {h.pk: Member.objects.get(household=h, relation="01") for h in (a1, b1)}
    batch = load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["身份证号", "姓名", "号牌号码"],
        [[m.id_number, m.name, f"川W{i}"] for i, m in enumerate(heads.values())] + [["bad", "", "x"]],
    )
    run = run_now(personas.county_admin, personas.tree.county)
    return {
        "a1": Suspect.objects.get(household=a1),
        "b1": Suspect.objects.get(household=b1),
        "batch": batch,
        "run": run,
        "heads": heads,
    }


def login(user) -> Client:
    """A client of its own per persona (the shared ``client_for`` client is re-logged on each call)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def photo(name="核实照片.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0", content_type="image/jpeg")


def audited(action, target) -> AuditEvent:
    return AuditEvent.objects.get(action=action, target_id=str(target.pk))


# --- suspects --------------------------------------------------------------------------------------


def test_visit_keep_with_evidence_and_county_signoff_in_multipart(personas, world):
    s = world["a1"]
    village = login(personas.village_a1)
    r = village.post(f"{API}/suspects/{s.pk}/visit/", {**VISIT, "confirmed": "false", "file": photo()})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == SuspectStatus.VERIFIED and body["id"] == s.pk
    (v,) = body["visits"]
    assert v["visitors"] == "王村长、李队员" and v["confirmed"] is False
    assert v["file_name"].endswith(".jpg") and v["recorded_by"]
    assert SuspectVisit.objects.get(suspect=s).file.name
    assert audited("comparison.suspect_visit", s).actor == personas.village_a1
    # 保留 needs an evidence file: refused without one, with the field named
    r = village.post(f"{API}/suspects/{s.pk}/decide/", {"decision": "keep", "reason": "车辆为他人借名登记"})
    assert r.status_code == 400 and r.json() == {"file": ["决定保留时须上传佐证材料。"]}
    r = village.post(
        f"{API}/suspects/{s.pk}/decide/",
        {
            "decision": "keep",
            "reason": "车辆为他人借名登记，有公安证明",
            "fact_disproved": "true",
            "file": photo("公安证明.pdf"),
        },
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == SuspectStatus.DECIDED and body["decision"] == "keep" and body["fact_disproved"]
    assert body["decision_file_name"].endswith(".pdf") and body["procedure_id"] is None
    assert audited("comparison.suspect_decide", s).reason == "车辆为他人借名登记，有公安证明"
    # the township sees the suspect but may not sign off; the county may
    r = post(login(personas.township_a), f"{API}/suspects/{s.pk}/signoff/", {"approve": True})
    assert r.status_code == 403 and r.json()["detail"] == ["您没有执行此操作的权限。"]
    county = login(personas.county_admin)
    r = post(county, f"{API}/suspects/{s.pk}/signoff/", {"approve": False})
    assert r.status_code == 400 and "县级意见" in r.json()["comment"][0]
    r = post(
        county, f"{API}/suspects/{s.pk}/signoff/", {"approve": False, "comment": "证明材料不清晰，请补充"}
    )
    assert r.status_code == 200 and r.json()["status"] == SuspectStatus.VERIFIED
    assert audited("comparison.suspect_return", s).reason == "证明材料不清晰，请补充"
    r = village.post(
        f"{API}/suspects/{s.pk}/decide/",
        {"decision": "keep", "reason": "补充了公安证明原件", "file": photo("证明.pdf")},
    )
    assert r.status_code == 200
    r = post(county, f"{API}/suspects/{s.pk}/signoff/", {"approve": True, "comment": "同意"})
    assert r.status_code == 200 and r.json()["status"] == SuspectStatus.SIGNED_OFF
    assert r.json()["signoff_comment"] == "同意"
    assert audited("comparison.suspect_signoff", s).actor == personas.county_admin


def test_remove_decision_in_json_starts_the_removal_procedure(personas, world):
    s = world["a1"]
    village = login(personas.village_a1)
    assert post(village, f"{API}/suspects/{s.pk}/visit/", VISIT).status_code == 201
    r = post(
        village, f"{API}/suspects/{s.pk}/decide/", {"decision": "remove", "reason": "家有轿车，价值超标"}
    )
    assert r.status_code == 200, r.json()
    procedure = Procedure.objects.get(pk=r.json()["procedure_id"])
    assert procedure.kind == "removal" and procedure.household_id == s.household_id
    # a decided suspect cannot be sent back through the API while its procedure runs
    r = post(
        login(personas.county_admin),
        f"{API}/suspects/{s.pk}/signoff/",
        {"approve": False, "comment": "请重新核实"},
    )
    assert r.status_code == 400 and "程序" in r.json()["approve"][0]


def test_wrong_personas_cannot_act_on_a_suspect(personas, world):
    s = world["a1"]
    url = f"{API}/suspects/{s.pk}"
    # outside the area, or no suspects at all (department, cadre, no role): not found
    for who in (personas.village_b1, personas.department, personas.cadre, personas.no_role):
        c = login(who)
        for name in ("visit", "decide", "signoff"):
            assert post(c, f"{url}/{name}/", VISIT).status_code == 404, (who, name)
        assert c.get(f"{url}/").status_code == 404
    # the township sees it but verifies and decides nothing; the village does not sign off
    township = login(personas.township_a)
    assert township.get(f"{url}/").status_code == 200
    assert post(township, f"{url}/visit/", VISIT).status_code == 403
    assert post(township, f"{url}/decide/", {"decision": "remove", "reason": "家有轿车"}).status_code == 403
    assert post(login(personas.village_a1), f"{url}/signoff/", {"approve": True}).status_code == 403
    s.refresh_from_db()
    assert s.status == SuspectStatus.PENDING and not SuspectVisit.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="comparison.suspect_").exists()


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({**VISIT, "visited_on": ""}, "visited_on", "核实日期"),
        ({k: v for k, v in VISIT.items() if k != "visited_on"}, "visited_on", "请填写核实日期"),
        ({**VISIT, "visited_on": "2024-02-30"}, "visited_on", "核实日期格式"),
        (
            {**VISIT, "visited_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "visited_on",
            "不能晚于今天",
        ),
        ({**VISIT, "visitors": " "}, "visitors", "核实人员"),
        ({**VISIT, "findings": "有车"}, "findings", "核实情况"),
    ],
)
def test_bad_visit_input_is_a_400_naming_the_field(personas, world, data, field, text):
    r = post(login(personas.village_a1), f"{API}/suspects/{world['a1'].pk}/visit/", data)
    assert r.status_code == 400 and list(r.json()) == [field], r.json()
    assert text in r.json()[field][0]
    assert not SuspectVisit.objects.exists()


def test_bad_decision_input_and_evidence_file_type(personas, world):
    s = world["a1"]
    village = login(personas.village_a1)
    r = post(
        village, f"{API}/suspects/{s.pk}/decide/", {"decision": "remove", "reason": "家有轿车，价值超标"}
    )
    assert r.status_code == 400 and "入户核实" in r.json()["decision"][0]
    r = village.post(f"{API}/suspects/{s.pk}/visit/", {**VISIT, "file": photo("脚本.exe")})
    assert r.status_code == 400 and "佐证材料只支持" in r.json()["file"][0]
    assert post(village, f"{API}/suspects/{s.pk}/visit/", VISIT).status_code == 201
    r = post(
        village, f"{API}/suspects/{s.pk}/decide/", {"decision": "forget", "reason": "家有轿车，价值超标"}
    )
    assert r.status_code == 400 and r.json() == {"decision": ["请选择处理决定。"]}
    r = post(village, f"{API}/suspects/{s.pk}/decide/", {"decision": "remove", "reason": "有车"})
    assert r.status_code == 400 and "处理理由" in r.json()["reason"][0]
    r = post(login(personas.county_admin), f"{API}/suspects/{s.pk}/signoff/", {})
    assert r.status_code == 400 and r.json() == {"approve": ["请选择确认或退回。"]}
    s.refresh_from_db()
    assert s.status == SuspectStatus.VERIFIED and s.decision == ""


# --- relatives -------------------------------------------------------------------------------------


def test_relatives_are_added_and_removed_with_a_reason(personas, world):
    household = world["a1"].household
    village = login(personas.village_a1)
    ident = id_number(datetime.date(1990, 5, 6))
    r = post(
        village,
        f"{API}/relatives/",
        {"household_no": household.household_no, "kind": "分户子女", "name": "张大军", "id_number": ident},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["household"] == household.pk and body["kind"] == "child_apart" and body["active"]
    assert body["id_number"] != ident and body["id_number"].endswith(ident[-4:])  # masked
    relative = Relative.objects.get(pk=body["id"])
    assert audited("comparison.relative_add", relative).actor == personas.village_a1
    # by household id, no ID number but a birth date
    r = post(
        village,
        f"{API}/relatives/",
        {"household": household.pk, "kind": "supporter", "name": "张二", "birth_date": "1970年3月4日"},
    )
    assert r.status_code == 201 and r.json()["birth_date"] == "1970-03-04"
    # remove: a reason is required, the relative stops counting and leaves the list
    url = f"{API}/relatives/{relative.pk}/remove/"
    r = post(village, url, {"reason": ""})
    assert r.status_code == 400 and r.json() == {"reason": ["请填写移除原因。"]}
    r = post(village, url, {"reason": "已迁回本户共同生活"})
    assert r.status_code == 200 and r.json()["active"] is False
    assert audited("comparison.relative_remove", relative).reason == "已迁回本户共同生活"
    ids = [x["id"] for x in village.get(f"{API}/relatives/").json()["results"]]
    assert relative.pk not in ids and len(ids) == 1


def test_relatives_refused_to_the_wrong_personas_and_bad_input(personas, world):
    household = world["a1"].household
    data = {
        "household_no": household.household_no,
        "kind": "child_apart",
        "name": "张大军",
        "id_number": id_number(datetime.date(1990, 5, 6)),
    }
    for who in (personas.department, personas.cadre, personas.no_role):
        assert post(login(who), f"{API}/relatives/", data).status_code == 403, who
    r = post(login(personas.village_b1), f"{API}/relatives/", data)
    assert r.status_code == 400 and r.json() == {"household_no": ["户编号不存在或不在您的范围内。"]}
    by_id = {k: v for k, v in data.items() if k != "household_no"} | {"household": household.pk}
    r = post(login(personas.village_b1), f"{API}/relatives/", by_id)
    assert r.status_code == 400 and r.json() == {"household": ["农户不存在或不在您的范围内。"]}
    village = login(personas.village_a1)
    r = post(village, f"{API}/relatives/", {**data, "id_number": "123"})
    assert r.status_code == 400 and "身份证号" in r.json()["id_number"][0]
    r = post(village, f"{API}/relatives/", {**data, "kind": "邻居"})
    assert r.status_code == 400 and "关系类别" in r.json()["kind"][0]
    r = post(village, f"{API}/relatives/", {k: v for k, v in data.items() if k != "household_no"})
    assert r.status_code == 400 and "户编号" in r.json()["household_no"][0]
    assert not Relative.objects.exists()
    relative = relative_add(
        actor=personas.county_admin,
        household=household,
        data={"kind": "supporter", "name": "张二", "id_number": data["id_number"]},
    )
    for who in (personas.village_b1, personas.department, personas.no_role):
        assert (
            post(login(who), f"{API}/relatives/{relative.pk}/remove/", {"reason": "不再赡养"}).status_code
            == 404
        )
    relative.refresh_from_db()
    assert relative.active


# --- runs ------------------------------------------------------------------------------------------


def test_county_starts_a_run_as_a_background_job(personas, world):
    county = login(personas.county_admin)
    before = (ComparisonRun.objects.count(), Job.objects.filter(kind="comparison.run").count())
    # every loaded batch has been matched: an incremental run has nothing to do
    r = post(county, f"{API}/runs/", {})
    assert r.status_code == 400 and "没有需要比对的数据批次" in r.json()["batches"][0]
    r = post(county, f"{API}/runs/", {"full": True})
    assert r.status_code == 201, r.json()
    body = r.json()
    run = ComparisonRun.objects.get(pk=body["id"])
    assert body["full"] is True and body["status"] == "queued" and body["job"] == str(run.job_id)
    assert body["status_url"] == f"/api/v1/jobs/{run.job_id}/"
    job = county.get(body["status_url"]).json()
    assert job["kind"] == "comparison.run" and job["state"] == "queued"
    assert audited("comparison.run_start", run).after["full"] is True
    # one run at a time per area
    r = post(county, f"{API}/runs/", {"full": True})
    assert r.status_code == 400 and "正在进行的比对" in r.json()["batches"][0]
    for who in (personas.village_a1, personas.township_a, personas.department, personas.no_role):
        assert post(login(who), f"{API}/runs/", {"full": True}).status_code == 403, who
    after = (ComparisonRun.objects.count(), Job.objects.filter(kind="comparison.run").count())
    assert after == (before[0] + 1, before[1] + 1)


# --- who sees what through the API -----------------------------------------------------------------


def test_visibility_of_department_data_and_suspects_through_the_api(personas, world):
    batch = world["batch"]
    # officers: only the suspects of their area; no batches, no bad rows
    for who, key in ((personas.village_a1, "a1"), (personas.village_b1, "b1")):
        c = login(who)
        assert [x["id"] for x in c.get(f"{API}/suspects/").json()["results"]] == [world[key].pk]
        assert c.get(f"{API}/batches/").json()["count"] == 0
        assert c.get(f"{API}/batches/{batch.pk}/").status_code == 404
        assert c.get(f"{API}/batches/{batch.pk}/bad-rows/").status_code == 404
    # the uploading department: its batch and bad rows, no suspects, no register
    dept = login(personas.department)
    assert [x["id"] for x in dept.get(f"{API}/batches/").json()["results"]] == [batch.pk]
    rows = dept.get(f"{API}/batches/{batch.pk}/bad-rows/").json()
    assert (
        rows["count"] == 1
        and rows["results"][0]["row_no"] == 4
        and "身份证号" in rows["results"][0]["reasons"]
    )
    assert dept.get(f"{API}/suspects/").json()["count"] == 0
    r = dept.get("/api/v1/register/households/")
    assert r.status_code == 403 or r.json()["count"] == 0
    assert dept.get(f"/api/v1/register/households/{world['a1'].household_id}/").status_code in (403, 404)
    # another department at the county: nothing of this batch
    other = login(make_user("other_dept", "department", personas.tree.county))
    assert other.get(f"{API}/batches/").json()["count"] == 0
    assert other.get(f"{API}/batches/{batch.pk}/bad-rows/").status_code == 404
    # the county manager sees every batch and its bad rows
    county = login(personas.county_admin)
    assert county.get(f"{API}/batches/{batch.pk}/bad-rows/").json()["count"] == 1
    assert {x["id"] for x in county.get(f"{API}/suspects/").json()["results"]} == {
        world["a1"].pk,
        world["b1"].pk,
    }
