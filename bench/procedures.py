#!/usr/bin/env python3
"""Benchmark of the procedures engine (issue 4) on the demo county in a fresh database.

    python3 dev.py bench bench/procedures.py
    .venv/bin/python bench/procedures.py --candidates 200 --backlog 50000

1. Identification for ``--candidates`` households through the real services: start, 农户申请, 入户调查
   (survey validated, exclusion rules evaluated), one batch 民主评议 per village, 第一次公示 published and
   closed per village — households per second for each phase.
2. A backlog of ``--backlog`` running procedures (bulk inserted at every step of every kind, as a county
   would carry during a campaign), then the to-do queue (``workflows.todo.todo_summary``) for a county,
   township and village user, and the procedure list page through the test client: p50/p95 over 20 calls.
Prints ``BENCH <name> <value> <unit>`` lines. Uses its own SQLite database in a temporary data dir unless
DATABASE_URL is set (then give it an empty database).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench(name: str, value, unit: str) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)


def setup(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["JINGZHUN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    call_command("load_demo", verbosity=0)
    bench("procedures.demo_load", f"{time.monotonic() - started:.1f}", "s")


def identification(n: int, rng: random.Random) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Count
    from django.utils import timezone

    from jingzhun.accounts.models import User
    from jingzhun.areas.models import Area
    from jingzhun.core.errors import DomainError
    from jingzhun.demo.procedures import _png, _survey
    from jingzhun.identification.services import identification_start
    from jingzhun.register.models import Household
    from jingzhun.workflows import notices, services

    county_user = User.objects.get(username="xian_admin")
    county = Area.objects.get(code="513498000000")
    villages = list(
        Household.objects.filter(
            area_path__startswith=county.path, poverty_status="not_poor", is_monitored=False
        )
        .values("area_id")
        .annotate(n=Count("id"))
        .filter(n__gte=40)
        .order_by("area_id")
        .values_list("area_id", flat=True)
    )
    per_village = 40
    chosen = villages[: max(1, n // per_village)]
    year = timezone.localdate().year
    application = {"applied_on": timezone.localdate().isoformat(), "method": "household", "authorised": True}
    timings = {"start": 0.0, "apply+survey": 0.0, "appraisal": 0.0, "notice": 0.0}
    total = blocked = 0
    for area_id in chosen:
        village = Area.objects.get(pk=area_id)
        households = list(
            Household.objects.filter(area_id=area_id, poverty_status="not_poor", is_monitored=False)
            .exclude(procedures__status="running")
            .order_by("household_no")[:per_village]
        )
        t = time.monotonic()
        _batch, results = identification_start(
            actor=county_user, area=village, year=year, households=households, application=application
        )
        procs = [r["procedure"] for r in results if r["procedure"]]
        timings["start"] += time.monotonic() - t
        t = time.monotonic()
        surveyed = []
        for p in procs:
            services.step_complete(actor=county_user, procedure=p, data=application)
            try:
                services.step_complete(actor=county_user, procedure=p, data=_survey(rng, year))
            except DomainError:  # an exclusion-rule hit (e.g. the whole family away): stays at 入户调查
                blocked += 1
            else:
                surveyed.append(p)
        timings["apply+survey"] += time.monotonic() - t
        procs = surveyed
        t = time.monotonic()
        outcomes = services.batch_complete(
            actor=county_user,
            procedures=procs,
            meeting={"representatives": 35, "present": 30},
            results={p.pk: {"votes_for": 25} for p in procs},
        )
        timings["appraisal"] += time.monotonic() - t
        passed = [o["procedure"] for o in outcomes if o["result"] == "passed"]
        t = time.monotonic()
        if passed:
            for p in passed:
                p.refresh_from_db()
            notice = notices.notice_publish(
                actor=county_user,
                procedures=passed,
                start_date=timezone.localdate() - datetime.timedelta(days=8),
            )
            notices.notice_add_evidence(
                actor=county_user, notice=notice, upload=SimpleUploadedFile("p.png", _png(), "image/png")
            )
            notices.notice_close(actor=county_user, notice=notice)
        timings["notice"] += time.monotonic() - t
        total += len(procs) + sum(1 for r in results if r["procedure"]) - len(procs)
    bench("procedures.identification_households", total, "households")
    bench("procedures.blocked_by_exclusion_rules", blocked, "households")
    for phase, seconds in timings.items():
        bench(f"procedures.{phase}", f"{total / seconds:.0f}" if seconds else "0", "households/s")


def backlog(n: int, rng: random.Random) -> None:
    from django.utils import timezone

    from jingzhun.accounts.models import User
    from jingzhun.register.models import Household
    from jingzhun.workflows.models import Procedure, StepTemplate
    from jingzhun.workflows.services import template_for

    started = time.monotonic()
    user = User.objects.get(username="xian_admin")
    rows = list(Household.objects.values_list("pk", "area_id", "area_path", "area__path")[:200000])
    steps = {}
    for kind in ("removal", "reappraisal", "exit", "risk_elimination"):
        template = template_for(kind, None)
        steps[kind] = (template, list(StepTemplate.objects.filter(template=template)))
    busy = set(Procedure.objects.filter(status="running").values_list("household_id", "kind"))
    now = timezone.now()
    objs = []
    for i in range(n):
        kind = ("removal", "reappraisal", "exit", "risk_elimination")[i % 4]
        hid, area_id, path, _ = rows[(i * 7919) % len(rows)]
        if (hid, kind) in busy:
            continue
        busy.add((hid, kind))
        template, template_steps = steps[kind]
        objs.append(
            Procedure(
                template=template,
                kind=kind,
                household_id=hid,
                area_id=area_id,
                area_path=path,
                year=now.year,
                current_step=rng.choice(template_steps),
                step_since=now - datetime.timedelta(days=rng.randint(0, 40)),
                started_by=user,
            )
        )
    Procedure.objects.bulk_create(objs, batch_size=2000)
    bench("procedures.backlog", len(objs), "procedures")
    bench("procedures.backlog_insert", f"{time.monotonic() - started:.1f}", "s")


def queue_timings() -> None:
    from django.test import Client

    from jingzhun.accounts.models import User
    from jingzhun.workflows.todo import todo_summary

    for username in ("xian_admin", "xiang_a", "cun_a1"):
        user = User.objects.get(username=username)
        times = []
        for _ in range(20):
            t = time.monotonic()
            summary = todo_summary(user)
            times.append((time.monotonic() - t) * 1000)
        times.sort()
        bench(f"procedures.todo_{username}_items", len(summary["items"]), "items")
        bench(f"procedures.todo_{username}_p50", f"{statistics.median(times):.1f}", "ms")
        bench(f"procedures.todo_{username}_p95", f"{times[int(len(times) * 0.95) - 1]:.1f}", "ms")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(
        User.objects.get(username="xiang_a"), backend="django.contrib.auth.backends.ModelBackend"
    )
    times = []
    for _ in range(20):
        t = time.monotonic()
        response = client.get("/procedures/?status=running")
        times.append((time.monotonic() - t) * 1000)
        assert response.status_code == 200
    times.sort()
    bench("procedures.list_page_township_p50", f"{statistics.median(times):.1f}", "ms")
    bench("procedures.list_page_township_p95", f"{times[int(len(times) * 0.95) - 1]:.1f}", "ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--backlog", type=int, default=50000)
    args = parser.parse_args()
    rng = random.Random(2026)
    data_dir = Path(tempfile.mkdtemp(prefix="jingzhun-bench-procedures-"))
    try:
        setup(data_dir)
        identification(args.candidates, rng)
        backlog(args.backlog, rng)
        queue_timings()
        bench("procedures.peak_rss", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", "MB")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
