"""The demo county's assistance data: most targets paired, every gaps list non-empty, the demo cadre and
first secretary linked to their logins, past deliveries agreeing with the income lines, reset clean."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.assistance import gaps
from jingzhun.assistance.models import Cadre, Delivery, Pairing, Visit, WorkTeamMember
from jingzhun.assistance.selectors import households_for, targets

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--scale", "0.05", "--seed", "7", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def admin(demo_db, db):
    return User.objects.get(username="xian_admin")


def test_demo_reports_its_assistance_rows(demo_db):
    assert "帮扶责任人" in demo_db and "措施落实" in demo_db


def test_most_targets_are_paired_and_some_are_not(admin):
    households = households_for(admin)
    total = targets(households).count()
    unpaired = gaps.unpaired(households).count()
    assert total > 50 and 0 < unpaired < total * 0.15


def test_every_gaps_list_has_something(admin):
    today = timezone.localdate()
    n = gaps.counts(
        households=households_for(admin),
        pairings=Pairing.objects.for_user(admin),
        cadres=Cadre.objects.for_user(admin),
        year=today.year,
        today=today,
    )
    assert n["cause_households"] > 0 and n["cause_households"] < n["targets"] * 0.4
    assert n["overdue"] > 0 and n["behind"] > 0
    assert Visit.objects.filter(visited_on__gte=today.replace(day=1)).exists() or today.day < 3


def test_demo_logins_are_linked_to_cadres(admin):
    ganbu = Cadre.objects.get(user__username="ganbu_a1")
    assert ganbu.pairings.filter(ended_on__isnull=True).exists()
    village = User.objects.get(username="ganbu_a1").assignments.get().area
    assert all(p.area_path.startswith(village.path) for p in ganbu.pairings.all())
    assert WorkTeamMember.objects.get(cadre__user__username="shuji_a1").role == "first_secretary"


def test_past_cash_deliveries_are_the_income_lines(admin):
    linked = Delivery.objects.filter(transfer_line__isnull=False).select_related("transfer_line__income")
    assert linked.exists()
    for d in linked[:200]:
        assert d.amount == d.transfer_line.amount and d.year == d.transfer_line.income.year
    assert not Delivery.objects.filter(year=timezone.localdate().year, transfer_line__isnull=False).exists()


def test_reset_rebuilds_without_leftovers(demo_db):
    before = (Cadre.objects.count(), Pairing.objects.count(), Delivery.objects.count())
    call_command("load_demo", "--scale", "0.05", "--seed", "7", "--reset", stdout=io.StringIO())
    assert (Cadre.objects.count(), Pairing.objects.count(), Delivery.objects.count()) == before
