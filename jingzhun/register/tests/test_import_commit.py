"""Commit after a dry run: the stored checked batches are used only when nothing relevant changed, and
what changed in the database since the dry run is caught before anything is written."""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jingzhun.register.importing import register_import
from jingzhun.register.importing_cache import cache_path
from jingzhun.register.models import Household, HouseholdIncome, HouseholdVersion, Member
from jingzhun.register.services import household_create, household_data

from .factories import household
from .test_import_common import HEADERS, household_rows, messages, person, run, table_counts, write_csv

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


@pytest.fixture
def file(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1, 收入年度=YEAR - 1, 工资性收入="8000") + household_rows(
        a1 + "0002", a1, [person("王五", "户主", 60), person("王小五", "之子", 30)]
    )
    return write_csv(tmp_path / "m.csv", rows, [*HEADERS, "收入年度", "工资性收入"])


def test_dry_run_stores_checked_batches_and_the_commit_uses_and_removes_them(personas, file, monkeypatch):
    assert not run(personas.village_a1, file, dry_run=True).errors
    assert cache_path(file).exists()

    def no_full_pass(*args, **kwargs):
        raise AssertionError("the commit should not parse the file again")

    monkeypatch.setattr("jingzhun.register.importing.MemberSheetReader", no_full_pass)
    result = run(personas.village_a1, file)
    assert not result.errors, messages(result)
    assert not cache_path(file).exists()
    assert (result.households, result.rows, result.counts.created, result.counts.members_created) == (
        2,
        5,
        2,
        5,
    )
    h = Household.objects.get(household_no=personas.tree.village_a1.code + "0001")
    assert HouseholdVersion.objects.get(household=h).data == household_data(h)
    assert HouseholdIncome.objects.get(household=h).net_income == Decimal("8000.00")
    assert Member.objects.get(name="王小五").member_no == personas.tree.village_a1.code + "000202"


def test_commit_from_stored_batches_equals_a_direct_commit(personas, file, tmp_path):
    run(personas.village_a1, file, dry_run=True)
    run(personas.village_a1, file)
    stored = sorted(
        (m.member_no, m.name, m.id_number, m.birth_date, m.relation, m.name_initials, m.joined_on)
        for m in Member.objects.all()
    )
    Member.objects.all().delete()
    HouseholdIncome.objects.all().delete()
    HouseholdVersion.objects.all().delete()
    Household.objects.all().delete()
    run(personas.village_a1, file)  # no dry run before: the full pass
    direct = sorted(
        (m.member_no, m.name, m.id_number, m.birth_date, m.relation, m.name_initials, m.joined_on)
        for m in Member.objects.all()
    )
    assert stored == direct


def test_person_registered_between_dry_run_and_commit_blocks_the_commit(personas, file):
    assert not run(personas.village_a1, file, dry_run=True).errors
    a1 = personas.tree.village_a1.code
    with open(file, encoding="utf-8") as fh:
        head = list(csv.DictReader(fh))[3]  # 王五, row 5: registered through the form meanwhile
    household_create(
        actor=personas.township_a,
        area=personas.tree.village_a2,
        household=household(main_cause=""),
        members=[{"name": head["姓名"], "id_number": head["身份证号"], "relation": "01"}],
    )
    before = table_counts()
    result = run(personas.village_a1, file)
    assert messages(result) == {
        5: "“身份证号”列：该身份证号在校验之后已在其他农户中登记，同一人只能属于一户；请重新上传校验。"
    }
    assert table_counts() == before
    assert not Household.objects.filter(household_no=a1 + "0001").exists()


def test_household_number_taken_between_dry_run_and_commit(personas, file):
    assert not run(personas.village_a1, file, dry_run=True).errors
    # Someone else's import took the number meanwhile (a different file with another person).
    a1 = personas.tree.village_a1.code
    other = write_csv(
        Path(file).with_name("other.csv"),
        household_rows(a1 + "0002", a1, [person("赵六", "户主", 50)]),
    )
    assert not run(personas.township_a, other).errors
    result = run(personas.village_a1, file)
    assert messages(result)[5] == f"“户编号”列：户编号 {a1}0002 在校验之后已被登记，请重新上传校验。"
    assert Household.objects.count() == 1


def test_commit_by_another_user_ignores_the_stored_batches(personas, file):
    run(personas.village_a1, file, dry_run=True)
    result = register_import(actor=personas.township_a, path=file, dry_run=False)
    assert not result.errors and result.counts.created == 2
    assert not cache_path(file).exists()


def test_no_batches_are_stored_when_the_dry_run_finds_errors_or_updates(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    bad = write_csv(tmp_path / "bad.csv", household_rows(a1 + "0001", a1, [person("甲", "之子", 20)]))
    assert run(personas.village_a1, bad, dry_run=True).errors
    assert not cache_path(bad).exists()
    good = write_csv(tmp_path / "good.csv", household_rows(a1 + "0001", a1))
    run(personas.village_a1, good)
    assert not run(personas.village_a1, good, dry_run=True).errors  # now an update
    assert not cache_path(good).exists()
