"""The ratio estimator and its CI against hand-computed figures; thresholds from policy values."""

import pytest

from jingzhun.accounts.models import User
from jingzhun.evaluation import estimate, results, services
from jingzhun.evaluation.models import SampledHousehold
from jingzhun.policy.services import policy_value_set

from .conftest import answers

pytestmark = pytest.mark.django_db


def test_ratio_of_two_villages_matches_the_hand_computation():
    # R = 1/20; z = ±0.5; v = 2 × 0.5 / 20² → se = 0.05; CI = 5 % ± 9.8 % clipped at 0
    r = estimate.ratio([estimate.Cluster("s", 1, 1, 10), estimate.Cluster("s", 1, 0, 10)])
    assert r["rate"] == pytest.approx(5.0)
    assert r["se"] == pytest.approx(5.0)
    assert r["low"] == 0 and r["high"] == pytest.approx(14.8)


def test_weights_change_the_ratio_and_singleton_strata_are_pooled_by_class():
    # weights 3 and 1: R = (3×1 + 0) / (3×10 + 10) = 7.5 %
    r = estimate.ratio([estimate.Cluster("a", 3, 1, 10), estimate.Cluster("b", 1, 0, 10)])
    assert r["rate"] == pytest.approx(7.5)
    assert r["se"] == 0  # two single-village strata: no between-village variance
    pooled = estimate.variance_strata({1: "10:poor", 2: "11:poor", 3: "10:non_poor", 4: "10:non_poor"})
    assert pooled == {1: "*:poor", 2: "*:poor", 3: "10:non_poor", 4: "10:non_poor"}
    assert estimate.ratio([estimate.Cluster("a", 1, 0, 0)])["rate"] is None


def _enter(personas, ev, plan):
    """plan: village → list of (group, overrides) in draw order of each group."""
    for village, rows in plan.items():
        hh = {g: list(SampledHousehold.objects.filter(evaluation=ev, sampled_village__village=village, group=g)
                      .order_by("household_id")) for g in ("registered", "outside")}  # fmt: skip
        for group, extra in rows:
            services.survey_submit(
                actor=personas.county_admin, sampled=hh[group].pop(0), data=answers(**extra)
            )


@pytest.fixture
def surveyed(personas, small_design):
    t = personas.tree
    _enter(personas, small_design, {
        t.village_a1: [("registered", {"income_stable": False, "finding_reason": "务工中断", "approves": False}),
                       ("registered", {}),
                       ("outside", {"persons": 5, "meets_criteria": True, "finding_reason": "因病"}),
                       ("outside", {"persons": 3})],
        t.village_b1: [("registered", {}), ("registered", {"persons": 2}), ("outside", {}), ("outside", {})],
    })  # fmt: skip
    return small_design


def test_rates_of_two_villages_match_the_hand_computation(surveyed):
    r = results.compute(surveyed)
    wrong, missed, approval = r["rates"]["wrong_exit"], r["rates"]["missed"], r["rates"]["approval"]
    # 错退: y = (4, 0), x = (8, 6): R = 4/14; z = ±12/7; se = √(2 × 2 × (12/7)²) / 14 = 24/98
    assert (wrong["y"], wrong["x"]) == (4, 14)
    assert wrong["rate"] == pytest.approx(28.5714, abs=1e-4)
    assert wrong["se"] == pytest.approx(24.4898, abs=1e-4)
    assert wrong["low"] == 0 and wrong["high"] == pytest.approx(76.5714, abs=1e-4)
    # 漏评: y = (5, 0), x = (8, 8): R = 5/16, z = ±2.5, se = 5/16
    assert missed["rate"] == pytest.approx(31.25) and missed["se"] == pytest.approx(31.25)
    assert missed["high"] == pytest.approx(92.5)
    # 认可度: y = (3, 4), x = (4, 4): R = 7/8, z = ∓0.5, se = 1/8; CI 63 % … 100 % (clipped)
    assert approval["rate"] == pytest.approx(87.5) and approval["se"] == pytest.approx(12.5)
    assert approval["low"] == pytest.approx(63.0) and approval["high"] == 100
    # county: 16 exited persons, 1,000 − 16 registered outside; nobody remaining poor
    assert r["bases"] == {"exited": 16, "registered": 16, "outside": 984, "remaining": 0, "population": 1000}
    assert r["estimated"]["wrong_exit"]["estimate"] == pytest.approx(16 * 4 / 14, abs=1e-3)
    assert r["estimated"]["missed"]["estimate"] == pytest.approx(307.5)
    assert r["incidence"]["rate"] == pytest.approx((16 * 4 / 14 + 307.5) / 10, abs=1e-3)
    assert r["passed"] == {"wrong_exit": False, "missed": False, "approval": False, "incidence": False}


def test_thresholds_are_read_from_policy_values(surveyed):
    root = User.objects.create_superuser("root", password="x-Root-pass-2026")
    policy_value_set(actor=root, key="county_approval_min", year=2014, value="85", reason="测试")
    policy_value_set(actor=root, key="county_wrong_exit_max", year=2014, value="30", reason="测试")
    r = results.compute(surveyed)
    assert r["limits"]["approval"] == 85 and r["passed"]["approval"] is True
    assert r["limits"]["wrong_exit"] == 30 and r["passed"]["wrong_exit"] is True
    assert r["passed"]["missed"] is False and r["all_passed"] is False


def test_closing_freezes_the_results_and_is_audited(personas, surveyed):
    from jingzhun.core.models import AuditEvent

    ev = services.evaluation_close(actor=personas.county_admin, evaluation=surveyed)
    assert ev.status == "closed" and ev.results["rates"]["approval"]["rate"] == pytest.approx(87.5)
    assert ev.results["policy"]["county_approval_min"] == "90"
    assert AuditEvent.objects.filter(action="evaluation.close", target_id=str(ev.pk)).exists()
