"""Task lists (工作任务清单): targets, dated cumulative progress, % complete, late flags, scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def screening(personas):
    """Seed 001's shape: 5,472 film screenings a year, 2,854 done by June."""
    year = timezone.localdate().year
    tl = services.task_list_create(actor=personas.township_a, area=personas.tree.township_a, year=year,
                                   title="文化扶贫任务清单", issuer="县脱贫办")  # fmt: skip
    item = services.task_item_save(actor=personas.township_a, task_list=tl, name="农村公益电影放映", target=Decimal(5472),
                                   unit="场", deadline=datetime.date(year, 12, 31), responsible_unit="县文广局")  # fmt: skip
    return tl, item


def test_progress_is_cumulative_and_gives_percent_complete(personas, screening):
    tl, item = screening
    day = timezone.localdate()
    services.task_progress_add(actor=personas.township_a, item=item, reported_on=day - datetime.timedelta(days=30),
                               completed=Decimal(1200))  # fmt: skip
    services.task_progress_add(
        actor=personas.township_a, item=item, reported_on=day, completed=Decimal(2854), note="过半"
    )
    item.refresh_from_db()
    assert item.completed == 2854 and item.completed_on == day
    assert item.percent == Decimal("52.2") and not item.is_late
    assert AuditEvent.objects.filter(action="tasks.progress_add").count() == 2


def test_progress_cannot_go_backwards_or_be_negative_or_in_the_future(personas, screening):
    _tl, item = screening
    day = timezone.localdate()
    services.task_progress_add(actor=personas.township_a, item=item, reported_on=day, completed=Decimal(100))
    with pytest.raises(DomainError) as e:
        services.task_progress_add(
            actor=personas.township_a, item=item, reported_on=day, completed=Decimal(50)
        )
    assert e.value.field == "completed" and "不能小于" in e.value.message
    with pytest.raises(DomainError):
        services.task_progress_add(
            actor=personas.township_a, item=item, reported_on=day, completed=Decimal(-1)
        )
    with pytest.raises(DomainError) as e:
        services.task_progress_add(actor=personas.township_a, item=item, reported_on=day + datetime.timedelta(days=2),
                                   completed=Decimal(200))  # fmt: skip
    assert e.value.field == "reported_on"


def test_item_past_its_deadline_and_short_of_target_is_late(personas, screening):
    tl, _item = screening
    year = timezone.localdate().year
    late = services.task_item_save(actor=personas.township_a, task_list=tl, name="村级广播改造", target=Decimal(25),
                                   unit="个", deadline=timezone.localdate() - datetime.timedelta(days=1),
                                   responsible_unit="县文广局")  # fmt: skip
    assert late.is_late and late.seq == 2
    with pytest.raises(DomainError) as e:
        services.task_item_save(actor=personas.township_a, task_list=tl, name="x", target=Decimal(0), unit="个",
                                deadline=datetime.date(year, 6, 30), responsible_unit="x")  # fmt: skip
    assert e.value.field == "target"


def test_task_pages_and_api_are_scoped(personas, screening, client_for):
    tl, item = screening
    c = client_for(personas.township_a)
    assert "农村公益电影放映" in c.get(f"/reports/tasks/{tl.pk}/").content.decode()
    r = c.post(f"/reports/tasks/{tl.pk}/items/{item.pk}/progress/",
               {"reported_on": timezone.localdate().isoformat(), "completed": "300"})  # fmt: skip
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.completed == 300
    api = c.get("/api/v1/task-items/").json()["results"]
    assert [row["name"] for row in api] == ["农村公益电影放映"]
    other = client_for(personas.village_b1)
    assert other.get(f"/reports/tasks/{tl.pk}/").status_code == 404
    assert other.get("/api/v1/task-items/").json()["results"] == []
    r = other.post(f"/api/v1/task-items/{item.pk}/progress/", {"reported_on": "2020-01-01", "completed": "1"})
    assert r.status_code == 404


def test_village_officer_cannot_record_progress(personas, screening):
    _tl, item = screening
    with pytest.raises(AccessDenied):
        services.task_progress_add(actor=personas.village_a1, item=item, reported_on=timezone.localdate(),
                                   completed=Decimal(1))  # fmt: skip
