"""The assessment rules: the standards of a year (from policy), the set-based SQL, and the reasons.

One SQL statement per chunk of households computes, from the register tables, every household's income
per head and the facts behind each criterion, and inserts the results (INSERT … SELECT): no Python loop
over households. The same statement serves a whole county (the background job, the benchmark) and one
household (the exit procedure's check). It is plain SQL that SQLite and PostgreSQL both run.

Criteria (procedures.md §3, policy.md):
- income: (wages + business + property + transfers − business costs) ÷ size ≥ the year's line;
- 不愁吃 / 不愁穿: the register has no food or clothing survey fields, so they count as assured when
  income is above the line or a member receives 低保/特困 (兜底保障);
- 义务教育: no active member aged school_age_min–school_age_max (at the reference date) out of school,
  unless exempt for health (送教上门);
- 基本医疗: every active member in basic medical insurance;
- 住房安全: house grade A/B, or renovated (危房改造), or relocated (易地扶贫搬迁);
- 饮水安全: water not 不安全; litres per person per day ≥ the standard (the lower standard in water-short
  areas), or, with no measured quantity, water recorded 安全/基本安全; fetching time within the standard;
  days short in the year (供水保证率) within the standard. A blank time or day count is "not measured"
  and fails nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from jingzhun.register.models import Household, HouseholdIncome, Member

from .choices import LABOUR_CODES, OUT_OF_SCHOOL, SAFE_GRADES, SAFE_WATER, UNSAFE_WATER, Period
from .models import HouseholdAssessment


def income_per_capita(*, wages, business, property_income, transfers, business_costs, size) -> tuple:
    """(net, per capita) as the SQL computes them: net = wages + business + property + transfers −
    costs; per capita = net ÷ size, rounded half-up to the fen. The SQL divides whole fen so that SQLite's
    floating-point sums (−537.43 stored as −537.4299…) round like the exact decimals of PostgreSQL."""
    parts = [Decimal(str(v or 0)) for v in (wages, business, property_income, transfers, business_costs)]
    net = parts[0] + parts[1] + parts[2] + parts[3] - parts[4]
    return net, (net / int(size)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Standards:
    """The numbers of one year for one province, taken from a policy snapshot."""

    year: int
    line: Decimal
    threshold: Decimal | None
    transfer_warning: Decimal
    water_lpd: int
    water_lpd_short: int
    water_minutes: int
    water_short_days_max: int
    school_age_min: int
    school_age_max: int
    water_short_paths: list[str]

    @classmethod
    def from_snapshot(cls, snap: dict, year: int) -> Standards:
        from jingzhun.core.errors import DomainError

        if snap.get("poverty_line") is None:
            raise DomainError(_("%(year)s 年没有设定贫困线，无法评估。") % {"year": year}, field="year")
        threshold = snap.get("monitoring_threshold")
        return cls(
            year=year,
            line=Decimal(str(snap["poverty_line"])),
            threshold=Decimal(str(threshold)) if threshold is not None else None,
            transfer_warning=Decimal(str(snap.get("transfer_share_warning") or 50)),
            water_lpd=int(snap.get("water_lpd") or 35),
            water_lpd_short=int(snap.get("water_lpd_short") or 20),
            water_minutes=int(snap.get("water_minutes") or 20),
            water_short_days_max=_int_or(snap.get("water_short_days_max"), 36),
            school_age_min=int(snap.get("school_age_min") or 6),
            school_age_max=int(snap.get("school_age_max") or 15),
            water_short_paths=water_short_paths(snap.get("water_short_areas") or []),
        )


def _int_or(value, default: int) -> int:
    """A policy integer where 0 is a real value (unlike the ``or`` defaults above)."""
    return default if value in (None, "") else int(value)


def water_short_paths(entries: list[str]) -> list[str]:
    """Policy entries are area codes (12 digits) or paths; the SQL wants path prefixes."""
    from jingzhun.areas.models import Area

    entries = [str(e).strip() for e in entries if str(e).strip()]
    known = dict(Area.objects.filter(code__in=entries).values_list("code", "path"))
    return sorted({known.get(e, e) for e in entries if e.isdigit()})


def reference_date(year: int, period: str) -> datetime.date:
    """Ages are taken at the end of the assessed year, or today for the last 12 months."""
    if period == Period.LAST12:
        return datetime.date.today()
    return datetime.date(year, 12, 31)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _t(model) -> str:
    return model._meta.db_table


def _c(model, name: str) -> str:
    return model._meta.get_field(name).column


RESULT_COLUMNS = [
    "household_id", "area_path", "year", "period", "run_id", "poverty_status", "income_year",
    "net_income", "transfers", "size", "per_capita", "line", "threshold", "members", "assured",
    "labour", "dropouts", "uninsured", "house_grade", "house_safe_by", "water_status", "water_lpd",
    "water_minutes", "water_required", "water_minutes_max", "water_short_area", "water_short_days",
    "water_short_days_max", "income_ok", "food_ok", "clothing_ok", "education_ok", "medical_ok",
    "housing_ok", "water_ok", "passed", "flag_unstable", "flag_marginal", "flag_transfer", "assessed_at",
]  # fmt: skip


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _columns() -> str:
    return ", ".join(
        _c(HouseholdAssessment, c.removesuffix("_id") if c.endswith("_id") else c) for c in RESULT_COLUMNS
    )


def insert_sql(
    std: Standards, *, period: str, run_id: int, assessed_at, where: str, where_params: list
) -> tuple[str, list]:
    """INSERT … SELECT of the results of the households matched by ``where`` (a condition on alias h
    with %s placeholders filled from ``where_params``)."""
    h, m, i = _t(Household), _t(Member), _t(HouseholdIncome)
    ref = reference_date(std.year, period)
    born_latest = _years_before(ref, std.school_age_min)  # old enough
    born_after = _years_before(ref, std.school_age_max + 1)  # not too old
    short = " OR ".join("h.area_path LIKE %s" for _p in std.water_short_paths) or "1 = 0"
    short_params = [p + "%" for p in std.water_short_paths]
    if period == Period.LAST12:
        income_year = f"(SELECT MAX(i2.year) FROM {i} i2 WHERE i2.household_id = h.id AND i2.year <= %s)"
    else:
        income_year = "%s"
    line, thr = float(std.line), (float(std.threshold) if std.threshold is not None else None)
    member_sql = f"""
        SELECT household_id,
               COUNT(*) AS members,
               SUM(CASE WHEN dibao OR tekun THEN 1 ELSE 0 END) AS assured,
               SUM(CASE WHEN labour IN {_in(LABOUR_CODES)} THEN 1 ELSE 0 END) AS labour,
               SUM(CASE WHEN birth_date IS NOT NULL AND birth_date <= %s AND birth_date > %s
                         AND in_school IN {_in(OUT_OF_SCHOOL)} AND NOT school_exempt THEN 1 ELSE 0 END)
                   AS dropouts,
               SUM(CASE WHEN insured_medical THEN 0 ELSE 1 END) AS uninsured
        FROM {m}
        WHERE status = 'active' AND household_id IN (SELECT h.id FROM {h} h WHERE {where})
        GROUP BY household_id"""
    facts = f"""
        SELECT h.id AS hid, h.area_path AS path, h.poverty_status AS status, inc.year AS iy,
               (inc.wages + inc.business + inc.property_income + inc.transfers - inc.business_costs) AS net,
               inc.transfers AS tr, inc.size AS sz,
               ROUND(ROUND((inc.wages + inc.business + inc.property_income + inc.transfers
                            - inc.business_costs) * 100) * 1.0 / inc.size) / 100.0 AS pc,
               COALESCE(mm.members, 0) AS members, COALESCE(mm.assured, 0) AS assured,
               COALESCE(mm.labour, 0) AS labour, COALESCE(mm.dropouts, 0) AS dropouts,
               COALESCE(mm.uninsured, 0) AS uninsured,
               COALESCE(h.house_grade, '') AS grade,
               CASE WHEN h.house_grade IN {_in(SAFE_GRADES)} THEN 'grade'
                    WHEN h.house_renovated THEN 'renovated'
                    WHEN COALESCE(h.relocation, '') <> '' THEN 'relocated' ELSE '' END AS safe_by,
               COALESCE(h.water, '') AS water, h.water_lpd AS lpd, h.water_minutes AS wmin,
               h.water_short_days AS wdays,
               CASE WHEN {short} THEN 1 ELSE 0 END AS short
        FROM {h} h
        LEFT JOIN ({member_sql}) mm ON mm.household_id = h.id
        LEFT JOIN {i} inc ON inc.household_id = h.id AND inc.year = {income_year}
        WHERE {where}"""
    checks = f"""
        SELECT f.*,
               CASE WHEN f.short = 1 THEN %s ELSE %s END AS wreq,
               CASE WHEN f.pc IS NOT NULL AND f.pc >= %s THEN 1 ELSE 0 END AS inc_ok,
               CASE WHEN f.dropouts = 0 THEN 1 ELSE 0 END AS edu_ok,
               CASE WHEN f.uninsured = 0 THEN 1 ELSE 0 END AS med_ok,
               CASE WHEN f.safe_by <> '' THEN 1 ELSE 0 END AS house_ok,
               CASE WHEN f.water <> '{UNSAFE_WATER}'
                     AND ((f.lpd IS NOT NULL AND f.lpd >= CASE WHEN f.short = 1 THEN %s ELSE %s END)
                          OR (f.lpd IS NULL AND f.water IN {_in(SAFE_WATER)}))
                     AND (f.wmin IS NULL OR f.wmin <= %s)
                     AND (f.wdays IS NULL OR f.wdays <= %s) THEN 1 ELSE 0 END AS water_ok
        FROM ({facts}) f"""
    final = f"""
        INSERT INTO {_t(HouseholdAssessment)} ({_columns()})
        SELECT c.hid, c.path, %s, %s, %s, c.status, c.iy, c.net, c.tr, c.sz, c.pc, %s, %s,
               c.members, c.assured, c.labour, c.dropouts, c.uninsured, c.grade, c.safe_by, c.water,
               c.lpd, c.wmin, c.wreq, %s, c.short = 1, c.wdays, %s,
               c.inc_ok = 1,
               (c.inc_ok = 1 OR c.assured > 0), (c.inc_ok = 1 OR c.assured > 0),
               c.edu_ok = 1, c.med_ok = 1, c.house_ok = 1, c.water_ok = 1,
               c.inc_ok = 1 AND c.edu_ok = 1 AND c.med_ok = 1 AND c.house_ok = 1 AND c.water_ok = 1,
               COALESCE(c.status = 'exited' AND c.pc < %s, FALSE),
               COALESCE(c.status = 'not_poor' AND c.pc < %s, FALSE),
               COALESCE(c.net > 0 AND c.tr * 100.0 > %s * c.net, FALSE),
               %s
        FROM ({checks}) c"""
    income_year_params = [std.year]
    params = [
        # final
        std.year, period, run_id, line, thr, std.water_minutes, std.water_short_days_max, thr, thr,
        float(std.transfer_warning), assessed_at,
        # checks
        std.water_lpd_short, std.water_lpd, line, std.water_lpd_short, std.water_lpd, std.water_minutes,
        std.water_short_days_max,
        # facts: short-area test, member subquery (ages, where), income year, where
        *short_params, born_latest, born_after, *where_params, *income_year_params, *where_params,
    ]  # fmt: skip
    return final, params


def reasons(a: HouseholdAssessment) -> list[dict]:
    """The seven checks of one result with a reason each, in the reader's language."""
    out = []
    if a.per_capita is None:
        income_reason = _("未录入 %(year)s 年家庭收入。") % {"year": a.year}
    elif a.income_ok:
        income_reason = _("年人均纯收入 %(pc)s 元，不低于贫困线 %(line)s 元。") % {
            "pc": a.per_capita,
            "line": a.line,
        }
    else:
        income_reason = _("年人均纯收入 %(pc)s 元，低于贫困线 %(line)s 元。") % {
            "pc": a.per_capita,
            "line": a.line,
        }
    out.append({"code": "income", "label": _("收入达标"), "ok": a.income_ok, "reason": income_reason})
    for code, ok in (("food", a.food_ok), ("clothing", a.clothing_ok)):
        if ok and a.income_ok:
            reason = _("收入高于贫困线。")
        elif ok:
            reason = _("已纳入低保/特困供养兜底保障。")
        else:
            reason = _("收入低于贫困线，且未纳入低保/特困供养兜底保障。")
        label = _("不愁吃") if code == "food" else _("不愁穿")
        out.append({"code": code, "label": label, "ok": ok, "reason": reason})
    out.append(
        {
            "code": "education",
            "label": _("义务教育有保障"),
            "ok": a.education_ok,
            "reason": _("义务教育阶段适龄儿童均在校或因身体原因送教上门。")
            if a.education_ok
            else _("有 %(n)s 名义务教育阶段适龄儿童失学辍学（未办理送教上门）。") % {"n": a.dropouts},
        }
    )
    out.append(
        {
            "code": "medical",
            "label": _("基本医疗有保障"),
            "ok": a.medical_ok,
            "reason": _("家庭成员均参加城乡居民基本医疗保险。")
            if a.medical_ok
            else _("有 %(n)s 名家庭成员未参加城乡居民基本医疗保险。") % {"n": a.uninsured},
        }
    )
    out.append({"code": "housing", "label": _("住房安全有保障"), "ok": a.housing_ok, "reason": _housing(a)})
    out.append({"code": "water", "label": _("饮水安全有保障"), "ok": a.water_ok, "reason": _water(a)})
    return out


def _housing(a) -> str:
    if a.house_safe_by == "grade":
        return _("住房安全等级为 %(grade)s 级。") % {"grade": a.house_grade}
    if a.house_safe_by == "renovated":
        return _("已完成危房改造。")
    if a.house_safe_by == "relocated":
        return _("已易地扶贫搬迁安置。")
    if not a.house_grade:
        return _("住房安全等级未鉴定，且无危房改造或搬迁记录。")
    return _("住房安全等级为 %(grade)s 级（危房），未完成危房改造。") % {"grade": a.house_grade}


def _water(a) -> str:
    problems = []
    if a.water_status == UNSAFE_WATER:
        problems.append(_("饮水状况为“不安全”"))
    if a.water_lpd is not None and a.water_lpd < a.water_required:
        problems.append(
            _("人均日供水量 %(lpd)s 升，低于%(where)s标准 %(req)s 升")
            % {
                "lpd": a.water_lpd,
                "req": a.water_required,
                "where": _("缺水地区") if a.water_short_area else "",
            }
        )
    if a.water_lpd is None and a.water_status not in SAFE_WATER:
        problems.append(_("未记录供水量和饮水状况"))
    if a.water_minutes is not None and a.water_minutes > a.water_minutes_max:
        problems.append(
            _("取水往返 %(m)s 分钟，超过 %(max)s 分钟") % {"m": a.water_minutes, "max": a.water_minutes_max}
        )
    if a.water_short_days is not None and a.water_short_days > a.water_short_days_max:
        problems.append(
            _("全年缺水 %(days)s 天，超过供水保证率标准 %(max)s 天")
            % {"days": a.water_short_days, "max": a.water_short_days_max}
        )
    if problems:
        return "；".join(problems) + "。"
    if a.water_lpd is not None:
        return _("人均日供水量 %(lpd)s 升，达到%(where)s标准 %(req)s 升。") % {
            "lpd": a.water_lpd,
            "req": a.water_required,
            "where": _("缺水地区") if a.water_short_area else "",
        }
    return _("饮水状况为安全或基本安全。")
