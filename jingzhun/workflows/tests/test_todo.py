"""The to-do queue: steps waiting for the user's capability at its area, overdue, notices, objections,
providers from other apps, the page and the home widget."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices, services, todo
from jingzhun.workflows.models import Procedure

from .wfui_factories import MEETING, at_appraisal, at_township_review, started

pytestmark = pytest.mark.django_db


def steps(user):
    return {(i["kind"], i["step"], i["area"]): (i["count"], i["overdue"]) for i in todo.step_items(user)}


def test_each_user_sees_the_steps_waiting_for_their_role_and_area(personas):
    t = personas.tree
    at_appraisal(personas, 2)
    started(personas, 1)
    started(personas, 1, area=t.village_b1)
    at_township_review(personas, 1)
    assert steps(personas.village_a1) == {
        ("reappraisal", "appraisal", t.village_a1.code): (2, 0),
        ("reappraisal", "verify", t.village_a1.code): (1, 0),
    }
    assert steps(personas.village_b1) == {("reappraisal", "verify", t.village_b1.code): (1, 0)}
    assert steps(personas.township_a) == {("reappraisal", "township_review", t.village_a1.code): (1, 0)}
    assert steps(personas.cadre) == {} and steps(personas.no_role) == {} and steps(personas.department) == {}
    # A county user's queue is grouped by township (thousands of village rows would bury it).
    county = steps(personas.county_admin)
    assert county[("reappraisal", "appraisal", t.township_a.code)] == (2, 0) and len(county) == 4
    assert county[("reappraisal", "verify", t.township_b.code)] == (1, 0)


def test_overdue_counts_steps_past_their_period(personas):
    a, b = at_appraisal(personas, 2)
    Procedure.objects.filter(pk=a.pk).update(step_since=timezone.now() - datetime.timedelta(days=16))
    Procedure.objects.filter(pk=b.pk).update(step_since=timezone.now() - datetime.timedelta(days=14))
    items = [i for i in todo.step_items(personas.village_a1) if i["step"] == "appraisal"]
    assert items[0]["count"] == 2 and items[0]["overdue"] == 1
    assert "workflows" not in items[0]["url"] and "/procedures/batch/?" in items[0]["url"]
    summary = todo.todo_summary(personas.village_a1)
    assert summary["total"] == 2 and summary["overdue"] == 1


def _notice(personas, start):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    p = services.procedure_start(actor=personas.county_admin, kind="removal", household=h)
    services.step_complete(actor=personas.county_admin, procedure=p, data={})
    services.batch_complete(
        actor=personas.county_admin, procedures=[p], meeting=MEETING, results={p.pk: {"votes_for": 25}}
    )
    return notices.notice_publish(actor=personas.village_a1, procedures=[p], start_date=start)


def test_notices_ending_soon_and_open_objections(personas):
    today = timezone.localdate()
    running = _notice(personas, today)  # 7 days: not yet
    ended = _notice(personas, today - datetime.timedelta(days=8))
    soon = _notice(personas, today - datetime.timedelta(days=5))
    items = {i["url"]: i for i in todo.notice_items(personas.village_a1)}
    url = lambda n: reverse("workflows:notice-detail", args=[n.pk])  # noqa: E731
    assert set(items) == {url(ended), url(soon)}  # the one with 7 days left is not listed
    assert items[url(ended)]["overdue"] is True and "已满" in items[url(ended)]["label"]
    assert items[url(soon)]["overdue"] is False and "即将到期" in items[url(soon)]["label"]
    assert running.status == "published"
    assert todo.notice_items(personas.village_b1) == [] and todo.notice_items(personas.township_a) == []
    notices.objection_record(
        actor=personas.village_a1, channel="phone", notice=soon, content="该户家里有小轿车，不符合条件"
    )
    (item,) = todo.objection_items(personas.village_a1)
    assert item["count"] == 1 and soon.title in item["label"]
    assert todo.objection_items(personas.village_b1) == []
    assert todo.objection_items(personas.township_a) == []  # answering is the village's job


def test_providers_add_items_and_a_broken_one_is_skipped(personas, monkeypatch):
    monkeypatch.setattr(todo, "PROVIDERS", [])

    def alerts(user):
        return [{"label": "部门预警待核实", "count": 3, "url": "/monitoring/", "overdue": True}]

    def broken(user):
        raise RuntimeError("boom")

    todo.register_todo_provider(alerts)
    todo.register_todo_provider(alerts)
    todo.register_todo_provider(broken)
    items = [i for i in todo.todo_items(personas.village_a1) if i["group"] == "other"]
    assert [i["label"] for i in items] == ["部门预警待核实"]


def test_todo_page_and_home_widget(personas, client_for):
    (p,) = at_appraisal(personas, 1)
    Procedure.objects.filter(pk=p.pk).update(step_since=timezone.now() - datetime.timedelta(days=30))
    client = client_for(personas.village_a1)
    page = client.get(reverse("workflows:todo")).content.decode()
    assert 'data-testid="todo-total">1<' in page and "超期 1" in page and "民主评议" in page
    assert "list-group-item-danger" in page
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="todo-widget"' in home and 'data-testid="todo-badge">1<' in home
    assert reverse("workflows:todo") in home
    # every logged-in user gets the page, even without any procedure capability
    page = client_for(personas.department).get(reverse("workflows:todo")).content.decode()
    assert 'data-testid="todo-empty"' in page
    page = client_for(personas.village_b1).get(reverse("workflows:todo")).content.decode()
    assert 'data-testid="todo-total">0<' in page


def test_todo_queries_stay_few(personas, django_assert_max_num_queries):
    at_appraisal(personas, 3)
    at_township_review(personas, 2)
    started(personas, 2, area=personas.tree.village_b1)
    with django_assert_max_num_queries(25):
        todo.todo_summary(personas.county_admin)


def test_households_on_a_published_notice_wait_for_the_period_not_in_the_step_queue(personas):
    notice = _notice(personas, timezone.localdate())
    assert not [i for i in todo.step_items(personas.village_a1) if i["step"] == "notice"]
    entry = notice.entries.get()
    objection = notices.objection_record(
        actor=personas.village_a1, channel="in_person", notice=notice, entry=entry, content="反映该户情况不实"
    )
    notices.objection_answer(actor=personas.village_a1, objection=objection, outcome="upheld", answer="属实")
    # Upheld: off the list and sent back, so it is the village's work again (at 入户核实).
    assert [i["step"] for i in todo.step_items(personas.village_a1)] == ["verify"]


def test_public_messages_reach_the_village_queue(personas):
    from jingzhun.public import guard
    from jingzhun.public.services import submission_create

    submission_create(
        area=personas.tree.village_a1,
        kind="complaint",
        content="村里公示栏上的名单看不清楚，希望重新张贴",
        source=guard.Source(ip_hash="c" * 24, key="d" * 48),
    )
    labels = [i["label"] for i in todo.todo_items(personas.village_a1)]
    assert any("反映" in str(label) for label in labels), labels
    assert not any("反映" in str(i["label"]) for i in todo.todo_items(personas.village_b1))
