"""Relatives (分户子女, 子女配偶, 法定赡养人): entry, import all-or-nothing, scoping."""

import datetime

import pytest

from jingzhun.comparison.models import Relative
from jingzhun.comparison.services_relatives import relative_add, relative_remove, relatives_import
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.register.tests.factories import id_number

from .builders import person, registered, write_csv

pytestmark = pytest.mark.django_db


def test_relative_needs_valid_id_or_birth_date(personas):
    h = registered(personas)
    with pytest.raises(DomainError) as err:
        relative_add(
            actor=personas.village_a1,
            household=h,
            data={"name": "张大", "kind": "supporter", "id_number": "123"},
        )
    assert err.value.field == "id_number" and "身份证号" in err.value.message
    r = relative_add(
        actor=personas.village_a1,
        household=h,
        data={"name": "张大", "kind": "supporter", "birth_date": datetime.date(1970, 1, 1)},
    )
    assert r.id_number == "" and r.area_path == h.area_path


def test_other_village_cannot_add_relatives(personas):
    h = registered(personas)
    with pytest.raises(AccessDenied):
        relative_add(
            actor=personas.village_b1,
            household=h,
            data={"name": "张大", "kind": "supporter", "id_number": id_number(datetime.date(1970, 1, 1))},
        )


def test_import_writes_nothing_when_a_row_is_wrong(personas, tmp_path):
    h = registered(personas)
    other = registered(personas, area=personas.tree.village_b1, members=[person("赵六", 50)])
    good = [h.household_no, "张大军", id_number(datetime.date(1990, 1, 1)), "分户子女"]
    path = write_csv(
        tmp_path,
        ["户编号", "姓名", "身份证号", "关系类别"],
        [good, [other.household_no, "赵七", id_number(datetime.date(1991, 1, 1)), "子女"]],
    )
    with pytest.raises(DomainError) as err:
        relatives_import(actor=personas.village_a1, path=str(path))
    assert "第3行" in err.value.message and "户编号" in err.value.message
    assert not Relative.objects.exists()
    path = write_csv(
        tmp_path,
        ["户编号", "姓名", "身份证号", "关系类别"],
        [good, [h.household_no, "李芳", id_number(datetime.date(1991, 1, 1)), "子女配偶"]],
    )
    assert relatives_import(actor=personas.village_a1, path=str(path)) == 2
    assert sorted(Relative.objects.values_list("kind", flat=True)) == ["child_apart", "child_spouse"]


def test_removed_relative_stops_counting_and_is_scoped(personas):
    h = registered(personas)
    r = relative_add(
        actor=personas.village_a1,
        household=h,
        data={"name": "张大", "kind": "child_apart", "id_number": id_number(datetime.date(1980, 1, 1))},
    )
    assert list(Relative.objects.for_user(personas.village_b1)) == []
    assert list(Relative.objects.for_user(personas.village_a1)) == [r]
    with pytest.raises(DomainError):
        relative_remove(actor=personas.village_a1, relative=r, reason=" ")
    relative_remove(actor=personas.village_a1, relative=r, reason="已迁回本户")
    r.refresh_from_db()
    assert not r.active
