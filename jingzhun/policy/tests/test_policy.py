from decimal import Decimal
from fractions import Fraction

import pytest

from jingzhun.accounts.models import User
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.policy import selectors, services
from jingzhun.policy.models import PolicyValue


@pytest.mark.django_db
def test_defaults_are_seeded_and_line_resolves_by_year(tree):
    assert selectors.policy_value("poverty_line", 2019, tree.county) == Decimal("3218")
    assert selectors.policy_value("poverty_line", 2020, tree.county) == Decimal("4000")
    # a year without its own row takes the latest earlier one
    assert selectors.policy_value("poverty_line", 2023, tree.county) == Decimal("4000")
    assert selectors.policy_value("poverty_line", 2009, tree.county) is None
    assert selectors.policy_value("appraisal_quorum", 2020) == Fraction(2, 3)
    assert selectors.policy_value("notice_days", 2020) == 7
    assert [x["code"] for x in selectors.checklist(2019)][:2] == ["road", "water"]


@pytest.mark.django_db
def test_monitoring_threshold_2020_is_one_and_a_half_times_the_line(tree):
    assert selectors.monitoring_threshold(2020, tree.county) == Decimal("6000")
    assert selectors.monitoring_threshold(2022, tree.county) == Decimal("6300")
    assert selectors.monitoring_threshold(2019, tree.county) is None


@pytest.mark.django_db
def test_sichuan_is_western_so_village_limit_is_three_percent(tree):
    assert selectors.is_western(tree.village_a1, 2019)
    assert selectors.incidence_limit(tree.village_a1, 2019, "village") == Decimal("3")


@pytest.mark.django_db
def test_province_value_overrides_national_and_keeps_history(personas):
    t, admin = personas.tree, personas.county_admin
    row = services.policy_value_set(
        actor=admin,
        key="monitoring_threshold",
        year=2024,
        value="8800",
        province=t.province,
        reason="省定标准",
    )
    assert selectors.monitoring_threshold(2024, t.county) == Decimal("8800")
    assert selectors.monitoring_threshold(2025, t.county) == Decimal("8800")  # the province's own chain
    assert selectors.monitoring_threshold(2024, "11") == Decimal("7100")  # another province: national
    second = services.policy_value_set(
        actor=admin, key="monitoring_threshold", year=2024, value="9000", province=t.province, reason="调整"
    )
    row.refresh_from_db()
    assert row.superseded_at is not None and second.superseded_at is None
    assert selectors.monitoring_threshold(2024, t.county) == Decimal("9000")
    history = list(selectors.history_for(admin, "monitoring_threshold").filter(area_path="51"))
    assert [h.value for h in history] == ["9000", "8800"]
    event = AuditEvent.objects.filter(action="policy.set").latest("id")
    assert event.before == {"value": "8800"} and event.after["value"] == "9000"
    services.policy_value_retire(actor=admin, row=second, reason="恢复全国标准")
    assert selectors.monitoring_threshold(2024, t.county) == Decimal("7100")


@pytest.mark.django_db
def test_county_admin_cannot_change_national_values(personas):
    with pytest.raises(AccessDenied):
        services.policy_value_set(
            actor=personas.county_admin, key="poverty_line", year=2020, value="4100", reason="x"
        )
    with pytest.raises(AccessDenied):
        services.policy_value_set(
            actor=personas.village_a1,
            key="poverty_line",
            year=2020,
            value="4100",
            province=personas.tree.province,
            reason="x",
        )


@pytest.mark.django_db
def test_superuser_sets_national_value(personas):
    root = User.objects.create_superuser("root", password="Root-pass-2026")
    services.policy_value_set(actor=root, key="poverty_line", year=2021, value="4100", reason="测试")
    assert selectors.policy_value("poverty_line", 2021) == Decimal("4100")
    assert selectors.policy_value("poverty_line", 2020) == Decimal("4000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key,value,fragment",
    [
        ("poverty_line", "abc", "应为数值"),
        ("poverty_line", "-1", "不小于 0"),
        ("notice_days", "7.5", "应为整数"),
        ("appraisal_quorum", "x/y", "比例"),
        ("village_checklist", "road", "代码 名称"),
        ("village_checklist", "road 路\nroad 路2", "重复"),
    ],
)
def test_bad_values_are_refused_with_the_parameter_named(personas, key, value, fragment):
    with pytest.raises(DomainError) as exc:
        services.policy_value_set(
            actor=personas.county_admin,
            key=key,
            year=2020,
            value=value,
            province=personas.tree.province,
            reason="r",
        )
    assert fragment in exc.value.message and exc.value.field == "value"
    assert not PolicyValue.objects.filter(area_path="51").exists()


@pytest.mark.django_db
def test_reason_is_required(personas):
    with pytest.raises(DomainError) as exc:
        services.policy_value_set(
            actor=personas.county_admin,
            key="notice_days",
            year=2020,
            value="10",
            province=personas.tree.province,
            reason=" ",
        )
    assert exc.value.field == "reason"


@pytest.mark.django_db
def test_pages_need_the_capability_and_show_history(personas, client_for):
    services.policy_value_set(
        actor=personas.county_admin,
        key="notice_days",
        year=2022,
        value="10",
        province=personas.tree.province,
        reason="省里规定",
    )
    assert client_for(personas.no_role).get("/policy/").status_code == 403
    c = client_for(personas.village_a1)
    page = c.get("/policy/?year=2022").content.decode()
    assert "扶贫标准" in page and 'data-testid="edit-poverty_line"' not in page
    assert c.get("/policy/notice_days/edit/").status_code == 403
    assert "省里规定" in c.get("/policy/notice_days/history/").content.decode()
    admin = client_for(personas.county_admin)
    resp = admin.post(
        "/policy/water_lpd_short/edit/",
        {"scope": "51", "year": "2020", "value": "25", "note": "", "reason": "缺水地区标准调整"},
    )
    assert resp.status_code == 302
    assert selectors.policy_value("water_lpd_short", 2021, personas.tree.village_a1) == 25
    resp = admin.post(
        "/policy/water_lpd_short/edit/", {"scope": "", "year": "2020", "value": "25", "reason": "x"}
    )
    assert resp.status_code == 200  # national scope is not offered to a county admin
    assert selectors.policy_value("water_lpd_short", 2021, "11") == 20


@pytest.mark.django_db
def test_api_lists_values_and_resolves_a_year(personas, client_for):
    c = client_for(personas.village_b1)
    data = c.get("/api/v1/policy/values/?key=poverty_line").json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    assert {r["year"] for r in rows} >= {2019, 2020}
    resolved = c.get("/api/v1/policy/values/resolve/?year=2019&area=51").json()
    assert resolved["poverty_line"] == "3218"
    assert client_for(personas.no_role).get("/api/v1/policy/values/").status_code == 403
    resp = c.post(
        "/api/v1/policy/values/",
        {"key": "notice_days", "year": 2020, "value": 9, "province": "51", "reason": "x"},
        content_type="application/json",
    )
    assert resp.status_code == 403
