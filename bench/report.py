#!/usr/bin/env python3
"""Benchmark of the work report and the dashboard (issue 7 §6) on a freshly built demo county.

    .venv/bin/python bench/report.py                 # demo county (scale 1) for the report, dashboard too
    .venv/bin/python bench/report.py --scale 9       # Pingyu-like county (~220,000 households)

Builds the demo county with ``manage.py load_demo --scale S`` into a temporary JINGZHUN_DATA_DIR (or the
database named by DATABASE_URL: give it an empty one), refreshes the indicator values (timed), then times
report generation (service ``report_generate``: figures, problems, docx rendering, file save) for the
county, and the dashboard page (Django test client, logged in as the county administrator) over many
requests. Prints one ``BENCH <name> <value> <unit>`` line per figure. Goals: report < 5 s, dashboard
p95 < 300 ms.
"""

from __future__ import annotations

import argparse
import os
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


def setup_django(data_dir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["JINGZHUN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="jz-bench-report-"))
    try:
        run(args, data_dir)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"data kept in {data_dir}")


def run(args, data_dir: Path) -> None:
    setup_django(data_dir)
    from django.core.management import call_command
    from django.test import Client

    from jingzhun.accounts.models import User
    from jingzhun.areas.models import Area
    from jingzhun.demo.areas import COUNTY_CODE
    from jingzhun.indicators.services import indicators_refresh
    from jingzhun.register.models import Household
    from jingzhun.reports.builder import Period
    from jingzhun.reports.services import report_generate

    started = time.monotonic()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", scale=args.scale, reset=True, stdout=quiet)
    bench(f"demo_build_scale_{args.scale:g}", round(time.monotonic() - started, 1), "s")
    county = Area.objects.get(code=COUNTY_CODE)
    bench("households", Household.objects.filter(area_path__startswith=county.path).count(), "households")

    started = time.monotonic()
    result = indicators_refresh(actor=None, area=county)
    bench("indicator_refresh", round(time.monotonic() - started, 2), "s")
    bench("indicator_values", result["values"], "rows")

    admin = User.objects.get(username="xian_admin")
    year = time.localtime().tm_year
    times = []
    for kind in ("half", "year", "half"):
        t = time.monotonic()
        report = report_generate(actor=admin, area=county, period=Period.of(kind, year))
        times.append(time.monotonic() - t)
    bench("report_generate_county_median", round(statistics.median(times), 3), "s")
    bench("report_generate_county_max", round(max(times), 3), "s")
    bench("report_figures", len(report.content["figures"]), "figures")

    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    townships = list(Area.objects.filter(parent=county).values_list("code", flat=True))
    urls = [f"/indicators/?area={county.code}&year={year}"] + [
        f"/indicators/?area={c}&year={year}" for c in townships
    ]
    client.get(urls[0])  # warm-up: templates, imports
    samples = []
    for i in range(args.requests):
        url = urls[0] if i % 2 == 0 else urls[1 + (i // 2) % len(townships)]
        t = time.monotonic()
        r = client.get(url)
        samples.append((time.monotonic() - t) * 1000)
        assert r.status_code == 200, r.status_code
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    bench("dashboard_p50", round(statistics.median(samples), 1), "ms")
    bench("dashboard_p95", round(p95, 1), "ms")


if __name__ == "__main__":
    main()
