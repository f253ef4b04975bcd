#!/usr/bin/env python3
"""Benchmark of the register import (issue 3 §8) on a fresh database.

    python3 dev.py bench bench/register_import.py          # full size: 100,000 households / ~400,000 persons
    .venv/bin/python bench/register_import.py --households 5000    # quick run

Generates a realistic register as csv (and as xlsx), imports it through the real import path (the job
body ``register.tasks.run_import`` wrapped by ``core.jobs.run_job``, as the worker runs it: dry run, then
commit), runs a naive baseline (one ``services.household_create`` per household, i.e. ORM saves per
member) on a 10,000-person sample, and times the household list's first page with a filter through the
Django test client as a county admin. Prints one ``BENCH <name> <value> <unit>`` line per figure.

Uses its own SQLite database in a temporary JINGZHUN_DATA_DIR unless DATABASE_URL is set (then that
database is migrated and used: give it an empty one).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ["513401", "513422", "513423", "513424", "513426", "513427", "513428", "513429", "513430"]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文春红玉梅云海林波宁辉飞鹏志成德福安荣庆祥"
)
HEADERS = [
    "户编号", "区划代码", "住址", "联系电话", "识别标准", "贫困户属性", "主要致贫原因", "其他致贫原因",
    "贫困状态", "识别年度", "脱贫年度", "姓名", "身份证号", "性别", "出生日期", "与户主关系", "民族",
    "文化程度", "在校生状况", "健康状况", "残疾类别", "残疾等级", "劳动技能", "务工时间(月)", "务工地点",
    "参加城乡居民基本医疗保险", "参加城乡居民养老保险", "住房面积(㎡)", "住房结构", "住房安全等级",
    "耕地(亩)", "饮水状况", "卫生厕所", "收入年度", "工资性收入", "生产经营性收入", "财产性收入",
    "转移性收入", "生产经营性支出",
]  # fmt: skip


CPU: dict[str, float] = {}  # CPU seconds of this process per phase (the machine is shared)


def bench(name: str, value, unit: str) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)


def rss_mb() -> float:
    """Peak resident memory of this process so far (getrusage ru_maxrss; Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident memory now (VmRSS from /proc), to tell one phase's peak from the previous ones."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


# --- environment ----------------------------------------------------------------------------------------


def setup_django(data_dir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["JINGZHUN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_areas(n_villages: int):
    """A fictional county: townships of 12 villages, each village with 3 groups."""
    from jingzhun.areas.models import Area

    def area(code, level, parent, name):
        return Area.objects.create(
            code=code, path=Area.path_for(code, level), level=level, parent=parent, name=name
        )

    province = Area.objects.filter(code="510000000000").first() or area(
        "510000000000", "province", None, "四川省"
    )
    city = Area.objects.filter(code="513400000000").first() or area(
        "513400000000", "city", province, "凉山州"
    )
    county = area("513488000000", "county", city, "基准县")
    villages = []
    for t in range((n_villages + 11) // 12):
        township = area(f"513488{101 + t:03d}000", "township", county, f"第{t + 1}乡")
        for v in range(12):
            if len(villages) == n_villages:
                break
            code = f"513488{101 + t:03d}{201 + v:03d}"
            village = area(code, "village", township, f"{t + 1}乡{v + 1}村")
            for g in range(3):
                area(f"{code}{g + 1:03d}", "group", village, f"{g + 1}组")
            villages.append(village)
    return county, villages


# --- data -----------------------------------------------------------------------------------------------


class People:
    """Valid, unique ID numbers consistent with age and sex; plausible names."""

    def __init__(self, seed: int):
        from jingzhun.register.validation import check_char

        self.check_char = check_char
        self.rng = random.Random(seed)
        self.used: set[str] = set()
        self.today = datetime.date.today()

    def id_number(self, birth: datetime.date, male: bool) -> str:
        place = self.rng.choice(PLACES)
        while True:
            serial = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first = f"{place}{birth:%Y%m%d}{serial:03d}"
            number = first + self.check_char(first)
            if number not in self.used:
                self.used.add(number)
                return number

    def birth(self, age: int) -> datetime.date:
        """A birth date giving exactly ``age`` full years today."""
        latest = _years_before(self.today, age)  # the ``age``-th birthday is today at the latest
        earliest = _years_before(self.today, age + 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def name(self, surname=None) -> str:
        surname = surname or self.rng.choice(SURNAMES)
        return surname + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def school(age: int) -> tuple[str, str]:
    """(in-school code, education code) plausible for the age."""
    if age < 3:
        return "0", "7"
    if age < 6:
        return "1", "7"
    if age <= 12:
        return "2", "2"
    if age <= 15:
        return {13: "3", 14: "4", 15: "5"}[age], "2"
    if age <= 18:
        return "6", "3"
    return "0", "3"


def household_rows(people: People, no: str, area_code: str, registered: bool):
    rng = people.rng
    head_age = rng.randint(28, 75)
    head_male = rng.random() < 0.85
    surname = rng.choice(SURNAMES)
    members = [("01", head_age, head_male, surname)]
    if rng.random() < 0.85:
        members.append(("02", max(20, head_age + rng.randint(-5, 3)), not head_male, None))
    for _ in range(rng.choice((0, 1, 2, 2, 2, 3, 3, 4))):
        age = head_age - rng.randint(22, 38)
        if age >= 0:
            male = rng.random() < 0.5
            members.append(("03" if male else "04", age, male, surname if male else surname))
    if head_age < 50 and rng.random() < 0.3:
        members.append(("10", head_age + rng.randint(24, 32), rng.random() < 0.5, None))
    cause = ""
    health_sick = None
    if registered:
        cause = rng.choice(["1", "1", "2", "5", "7", "7", "8", "9", "9", "11"])
        if cause == "1":
            health_sick = 0
    status, y_ident, y_exit = "", "", ""
    if registered:
        y_ident = rng.choice((2014, 2014, 2015, 2016))
        y_exit = rng.choice((2016, 2017, 2018, 2019, 2020))
        status = "已脱贫" if rng.random() < 0.93 else rng.choice(("未脱贫", "返贫"))
        if status == "未脱贫":
            y_exit = ""
    rows = []
    for i, (relation, age, male, sname) in enumerate(members):
        birth = people.birth(age)
        in_school, education = school(age)
        health, dtype, dgrade = "1", "", ""
        if i == health_sick:
            health = "2"
        if cause == "2" and i == 0:
            health, dtype, dgrade = "4", "4", "3"
        adult = 18 <= age <= 60
        row = [
            no, "", "", "", "", "", "", "", "", "", "",
            people.name(sname), people.id_number(birth, male), "", "", relation, "01",
            education, in_school, health, dtype, dgrade, "普通劳动力" if adult else "无劳动力",
            rng.choice((0, 0, 6, 10)) if adult else 0, "省外" if adult else "",
            "是", "是" if age >= 16 else "否",
            "", "", "", "", "", "", "", "", "", "", "", "",
        ]  # fmt: skip
        if i == 0:
            row[1:11] = [
                area_code, f"{rng.randint(1, 6)}组{rng.randint(1, 80)}号", f"13{rng.randint(0, 999999999):09d}",
                "国家标准" if registered else "", "一般贫困户" if registered else "", cause, "", status,
                y_ident, y_exit,
            ]  # fmt: skip
            row[27:33] = [rng.randint(40, 160), rng.choice(("砖混", "砖木", "钢混")), rng.choice("AB"),
                          rng.randint(1, 8), "安全", "是"]  # fmt: skip
            row[33:39] = [people.today.year - 1, rng.randint(0, 40000), rng.randint(0, 12000),
                          rng.randint(0, 800), rng.randint(0, 6000), rng.randint(0, 3000)]  # fmt: skip
        rows.append(row)
    return rows


def generate(people: People, villages, households: int, start_seq: int = 1):
    """Yields member rows; households spread over the villages, 7 % registered (mostly exited)."""
    for i in range(households):
        village = villages[i % len(villages)]
        seq = start_seq + i // len(villages)
        yield from household_rows(
            people, f"{village.code}{seq:04d}", village.code, people.rng.random() < 0.07
        )


def write_csv(path: Path, rows) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def write_xlsx(path: Path, rows, sheet: str = "农户成员") -> int:
    """A minimal xlsx written directly (inline strings), since openpyxl needs minutes for 400K rows."""
    letters = [_col(i) for i in range(len(HEADERS))]
    n = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )

            def emit(r, values):
                cells = []
                for letter, v in zip(letters, values, strict=False):
                    if v == "" or v is None:
                        continue
                    if isinstance(v, int):
                        cells.append(f'<c r="{letter}{r}"><v>{v}</v></c>')
                    else:
                        cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>')
                fh.write(f'<row r="{r}">{"".join(cells)}</row>'.encode())

            emit(1, HEADERS)
            for n, row in enumerate(rows, start=1):
                emit(n + 1, row)
            fh.write(b"</sheetData></worksheet>")
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        zf.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
    return n


# --- measurements ---------------------------------------------------------------------------------------


def run_import_job(actor, path: Path, dry_run: bool):
    """Exactly what the worker runs: run_job(job_id, tasks.run_import) on a Job row."""
    from jingzhun.core.jobs import run_job
    from jingzhun.core.models import Job
    from jingzhun.register.tasks import IMPORT_KIND, run_import

    job = Job.objects.create(
        kind=IMPORT_KIND,
        title="bench",
        owner=actor,
        params={"path": str(path), "income_path": "", "dry_run": dry_run, "file_name": path.name},
    )
    start, cpu = time.perf_counter(), time.process_time()
    run_job(str(job.pk), run_import)
    seconds = time.perf_counter() - start
    CPU[path.suffix + ("_dry" if dry_run else "_commit")] = time.process_time() - cpu
    job.refresh_from_db()
    if job.state != "succeeded":
        print(f"# job failed: {job.message}", flush=True)
        for e in job.errors[:10]:
            print("#  ", e, flush=True)
        sys.exit(1)
    return seconds, job.result


def naive_baseline(actor, people: People, villages, persons: int) -> tuple[float, int]:
    """One services.household_create per household: per-row ORM saves, validation, version, audit."""
    from jingzhun.areas.models import Area
    from jingzhun.register.importing_columns import MEMBER_COLUMNS, Codes, parse_cell
    from jingzhun.register.services import household_create

    codes = Codes.load()
    columns = {c.header: c for c in MEMBER_COLUMNS}
    member_headers = [h for h in HEADERS[11:27] if h in columns]
    areas = {a.code: a for a in Area.objects.filter(code__in=[v.code for v in villages])}
    done = 0
    start = time.perf_counter()
    i = 0
    while done < persons:
        village = villages[i % len(villages)]
        rows = household_rows(people, f"{village.code}{1 + i // len(villages):04d}", village.code, False)
        members = []
        for row in rows:
            m = {}
            for h in member_headers:
                value = row[HEADERS.index(h)]
                if value not in ("", None):
                    m[columns[h].field] = parse_cell(columns[h], str(value), codes, people.today)
            members.append(m)
        household_create(
            actor=actor, area=areas[village.code], household={"address": rows[0][2]}, members=members
        )
        done += len(rows)
        i += 1
    return time.perf_counter() - start, done


def list_timings(user, requests: int) -> list[float] | None:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("register:household-list")
    except NoReverseMatch:
        return None
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    query = {"poverty_status": "exited", "main_cause": "7"}
    first = client.get(url, query)
    if first.status_code != 200:
        print(f"# household list answered {first.status_code}", flush=True)
        return None
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, query)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=int(os.environ.get("BENCH_HOUSEHOLDS", 100_000)))
    parser.add_argument(
        "--xlsx-households", type=int, default=None, help="households in the xlsx file (default: as csv)"
    )
    parser.add_argument("--baseline-persons", type=int, default=10_000)
    parser.add_argument(
        "--full-pass-households",
        type=int,
        default=None,
        help="households of a commit without a dry run before it (default: as csv; 0 to skip)",
    )
    parser.add_argument("--list-requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    xlsx_households = args.households if args.xlsx_households is None else args.xlsx_households
    if args.full_pass_households is None:
        args.full_pass_households = args.households

    tmp = Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
    try:
        setup_django(tmp / "data")
        from django.db import connection

        from jingzhun.core.testing import make_user

        bench("database", connection.vendor, "engine")
        n_villages = max(1, min(240, args.households // 400))
        county, villages = build_areas(n_villages * 3 + max(1, n_villages // 4))
        csv_villages, other_villages = villages[:n_villages], villages[n_villages : 2 * n_villages]
        full_pass_villages = villages[2 * n_villages : 3 * n_villages]
        admin = make_user("bench_admin", "county_admin", county)
        people = People(args.seed)

        # The baseline first, on the empty database: its best case (household_create numbers households
        # with a LIKE scan over the register, which only gets slower once 100,000 households exist).
        baseline_villages = villages[-max(1, n_villages // 4) :]
        seconds, done = naive_baseline(admin, people, baseline_villages, args.baseline_persons)
        bench("naive_baseline_persons", done, "persons")
        bench("naive_baseline_seconds", f"{seconds:.1f}", "s")
        bench("naive_baseline_rows_per_second", f"{done / seconds:.0f}", "rows/s")

        start = time.perf_counter()
        csv_path = tmp / "register.csv"
        persons = write_csv(csv_path, generate(people, csv_villages, args.households))
        bench("csv_generate_seconds", f"{time.perf_counter() - start:.1f}", "s")
        bench("csv_households", args.households, "households")
        bench("csv_persons", persons, "persons")
        bench("csv_file_size", f"{csv_path.stat().st_size / 1e6:.1f}", "MB")
        rss_before = rss_mb()
        bench("rss_before_import", f"{rss_before:.0f}", "MB")

        dry, result = run_import_job(admin, csv_path, dry_run=True)
        bench("csv_dry_run_seconds", f"{dry:.1f}", "s")
        bench("csv_dry_run_cpu_seconds", f"{CPU['.csv_dry']:.1f}", "s")
        bench("csv_dry_run_rows_per_second", f"{persons / dry:.0f}", "rows/s")
        commit, result = run_import_job(admin, csv_path, dry_run=False)
        assert result["members_created"] == persons, result
        bench("csv_commit_seconds", f"{commit:.1f}", "s")
        bench("csv_commit_cpu_seconds", f"{CPU['.csv_commit']:.1f}", "s")
        bench("csv_commit_rows_per_second", f"{persons / commit:.0f}", "rows/s")
        bench("csv_dry_run_plus_commit_seconds", f"{dry + commit:.1f}", "s")
        bench(
            "csv_dry_run_plus_commit_cpu_seconds",
            f"{CPU['.csv_dry'] + CPU['.csv_commit']:.1f}",
            "s (this process only: with SQLite all of the work, less sensitive to other load)",
        )
        bench("peak_rss_after_csv_import", f"{rss_mb():.0f}", "MB (ru_maxrss of the whole process)")

        again, result = run_import_job(admin, csv_path, dry_run=False)
        assert result["created"] == 0 and result["unchanged"] == args.households, result
        bench("csv_reimport_unchanged_seconds", f"{again:.1f}", "s")

        if args.full_pass_households:
            # A commit without a dry run before it (or after the data changed): parse, check and write.
            full_path = tmp / "register-full-pass.csv"
            n = write_csv(full_path, generate(people, full_pass_villages, args.full_pass_households))
            seconds, result = run_import_job(admin, full_path, dry_run=False)
            assert result["members_created"] == n, result
            bench("csv_commit_without_dry_run_persons", n, "persons")
            bench("csv_commit_without_dry_run_seconds", f"{seconds:.1f}", "s")
            bench("csv_commit_without_dry_run_rows_per_second", f"{n / seconds:.0f}", "rows/s")

        start = time.perf_counter()
        xlsx_path = tmp / "register.xlsx"
        xlsx_villages = other_villages[: max(1, min(len(other_villages), xlsx_households // 400))]
        xlsx_persons = write_xlsx(xlsx_path, generate(people, xlsx_villages, xlsx_households))
        bench("xlsx_generate_seconds", f"{time.perf_counter() - start:.1f}", "s")
        bench("xlsx_households", xlsx_households, "households")
        bench("xlsx_persons", xlsx_persons, "persons")
        bench("rss_now_before_xlsx_import", f"{current_rss_mb():.0f}", "MB (VmRSS)")
        x_dry, _ = run_import_job(admin, xlsx_path, dry_run=True)
        x_commit, result = run_import_job(admin, xlsx_path, dry_run=False)
        assert result["members_created"] == xlsx_persons, result
        bench("xlsx_dry_run_seconds", f"{x_dry:.1f}", "s")
        bench("xlsx_commit_seconds", f"{x_commit:.1f}", "s")
        bench("xlsx_commit_rows_per_second", f"{xlsx_persons / x_commit:.0f}", "rows/s")
        bench("peak_rss_after_xlsx_import", f"{rss_mb():.0f}", "MB (ru_maxrss of the whole process)")

        from jingzhun.register.models import Household, Member

        bench("database_households", Household.objects.count(), "households")
        bench("database_persons", Member.objects.count(), "persons")
        times = list_timings(admin, args.list_requests)
        if times is None:
            print("# household list page (register:household-list) not available: skipped", flush=True)
        else:
            bench("list_first_page_p50", f"{statistics.median(times):.1f}", "ms")
            bench("list_first_page_p95", f"{percentile(times, 95):.1f}", "ms")
            bench("list_requests", len(times), "requests")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"# kept {tmp}", flush=True)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
