"""The built-in indicators: register, incidence, monitoring, poor villages, assistance, procedures.

Year semantics: the register keeps the current status with ``year_identified`` / ``year_exited``, so a
household counts as registered in year Y when identified in or before Y, and as exited in Y when its
exit year is Y or earlier; "remaining" is the rest. Persons are the household's members now on the
register (在册). Monitoring cases count when entered by 31 December of Y and not closed by then.
Indicators marked ``snapshot`` describe the present (open notices, running procedures, overdue visits)
and are stored for the current year only.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.register.choices import REGISTERED, REMAINING_POOR, MemberStatus, PovertyStatus

from .registry import Dim, Indicator, Subject, register, register_dim, year_end

HOUSEHOLD = Subject("household", "register.Household", "area_path", _("农户"))
MEMBER = Subject("member", "register.Member", "household__area_path", _("人员"))
CASE = Subject("case", "monitoring.MonitoringCase", "area_path", _("监测对象"))
VILLAGE = Subject("village", "areas.Area", "path", _("行政村"))
PROCEDURE = Subject("procedure", "workflows.Procedure", "area_path", _("办理程序"))
NOTICE = Subject("notice", "workflows.Notice", "area_path", _("公示公告"))

# Household fields are reached from members through this prefix.
PREFIX = {"household": "", "member": "household__"}


# --- labels of breakdown members ---------------------------------------------------------------------


def _codes(kind: str):
    def labels() -> dict[str, str]:
        from jingzhun.register.models import CodeItem

        return dict(CodeItem.objects.filter(kind=kind).values_list("code", "name"))

    return labels


def _choices(path: str):
    def labels() -> dict[str, str]:
        from django.utils.module_loading import import_string

        return {k: str(v) for k, v in import_string(path).choices}

    return labels


def _measure_labels() -> dict[str, str]:
    from jingzhun.assistance.models import MeasureType

    return {str(k): v for k, v in MeasureType.objects.values_list("id", "name")}


def _risk_members() -> list[str]:
    from jingzhun.monitoring.choices import RiskType

    return list(RiskType.values)


def _risk_q(member: str, year: int) -> Q:
    # risk_types is a JSON list of codes; matching the quoted code keeps "illness" from matching others.
    return Q(risk_types__icontains=f'"{member}"')


def _measure_members() -> list[str]:
    from jingzhun.assistance.models import MeasureType

    return [str(pk) for pk in MeasureType.objects.order_by("sort", "id").values_list("id", flat=True)]


def _measure_q(member: str, year: int) -> Q:
    return Q(Exists(_deliveries(year).filter(measure_id=int(member))))


register_dim(
    Dim(
        "status", _("贫困状态"), "poverty_status", labels=_choices("jingzhun.register.choices.PovertyStatus")
    ),
    Dim("attribute", _("贫困户属性"), "attribute", labels=_codes("attribute")),
    Dim("cause", _("主要致贫原因"), "main_cause", labels=_codes("cause")),
    Dim(
        "monitoring_type",
        _("监测对象类型"),
        "monitoring_type",
        labels=_choices("jingzhun.monitoring.choices.MonitoringType"),
    ),
    Dim(
        "risk",
        _("风险类型"),
        members=_risk_members,
        q=_risk_q,
        labels=_choices("jingzhun.monitoring.choices.RiskType"),
    ),
    Dim("measure", _("帮扶措施"), members=_measure_members, q=_measure_q, labels=_measure_labels),
    Dim("kind", _("程序类型"), "kind", labels=_choices("jingzhun.workflows.choices.ProcedureKind")),
)
HOUSEHOLD_DIMS = {"status", "attribute", "cause"}


# --- conditions ----------------------------------------------------------------------------------------


def registered(year: int, p: str = "") -> Q:
    return Q(**{f"{p}poverty_status__in": REGISTERED}) & (
        Q(**{f"{p}year_identified__isnull": True}) | Q(**{f"{p}year_identified__lte": year})
    )


def exited(year: int, p: str = "") -> Q:
    return (
        registered(year, p)
        & Q(**{f"{p}poverty_status": PovertyStatus.EXITED})
        & (Q(**{f"{p}year_exited__isnull": True}) | Q(**{f"{p}year_exited__lte": year}))
    )


def exited_in(year: int, p: str = "") -> Q:
    return Q(**{f"{p}poverty_status": PovertyStatus.EXITED, f"{p}year_exited": year})


def remaining(year: int, p: str = "") -> Q:
    return registered(year, p) & (
        Q(**{f"{p}poverty_status__in": REMAINING_POOR})
        | Q(**{f"{p}poverty_status": PovertyStatus.EXITED, f"{p}year_exited__gt": year})
    )


ACTIVE = Q(status=MemberStatus.ACTIVE)


def targets(p: str = "") -> Q:
    """帮扶对象: registered households (also after exit) and monitored households."""
    return Q(**{f"{p}poverty_status__in": REGISTERED}) | Q(**{f"{p}is_monitored": True})


def _deliveries(year: int):
    from jingzhun.assistance.choices import DeliveryStatus
    from jingzhun.assistance.models import Delivery

    return Delivery.objects.filter(household_id=OuterRef("pk"), year=year, status=DeliveryStatus.ACTIVE)


def _open_pairings():
    from jingzhun.assistance.models import Pairing

    return Pairing.objects.filter(household_id=OuterRef("pk"), ended_on__isnull=True)


def with_measures(year: int) -> Q:
    return targets() & Q(Exists(_deliveries(year)))


def paired(year: int) -> Q:
    return targets() & Q(Exists(_open_pairings()))


def unpaired(year: int) -> Q:
    return targets() & ~Q(Exists(_open_pairings()))


def visit_overdue(year: int, today: datetime.date | None = None) -> Q:
    """Paired target households whose last visit is older than the county's visit interval (a pairing
    younger than the interval is not overdue yet) — the rule of assistance/gaps.py, in SQL."""
    from jingzhun.assistance.limits import Limits, limits_by_county
    from jingzhun.assistance.models import Visit
    from jingzhun.core.scoping import paths_q

    today = today or timezone.localdate()

    def rule(interval: int) -> Q:
        cutoff = today - datetime.timedelta(days=interval)
        old_pairing = _open_pairings().filter(started_on__lt=cutoff)
        recent = Visit.objects.filter(household_id=OuterRef("pk"), visited_on__gte=cutoff)
        return Q(Exists(old_pairing)) & ~Q(Exists(recent))

    table = limits_by_county()
    q = Q()
    if table:
        special = Q(pk__in=[])
        for county_path, limits in table.items():
            special |= paths_q("area_path", [county_path]) & rule(limits.interval_days)
        others = ~paths_q("area_path", list(table))
        q = special | (others & rule(Limits().interval_days))
    else:
        q = rule(Limits().interval_days)
    return targets() & q


def cause_gap(year: int) -> Q:
    """Target households with a cause whose mapped measures were neither delivered nor planned in the
    year (the ``basis="any"`` rule of assistance/gaps.py)."""
    from jingzhun.assistance.gaps import cause_mapping
    from jingzhun.assistance.models import PlannedMeasure

    q = Q(pk__in=[])
    for cause, measures in cause_mapping().items():
        ids = list(measures)
        has = Q(main_cause=cause) | Q(other_causes__icontains=f'"{cause}"')
        planned = PlannedMeasure.objects.filter(
            plan__household_id=OuterRef("pk"), plan__year=year, measure_id__in=ids
        )
        q |= has & ~Q(Exists(_deliveries(year).filter(measure_id__in=ids))) & ~Q(Exists(planned))
    return targets() & q


def assistance_since() -> int | None:
    """The first year with a delivery or a plan: assistance indicators before it would only say "none"."""
    from django.db.models import Min

    from jingzhun.assistance.models import AssistancePlan, Delivery

    years = [
        Delivery.objects.aggregate(m=Min("year"))["m"],
        AssistancePlan.objects.aggregate(m=Min("year"))["m"],
    ]
    years = [y for y in years if y]
    return min(years) if years else timezone.localdate().year


def cases_open(year: int) -> Q:
    end = year_end(year)
    return Q(status__in=["monitored", "eliminating", "eliminated"], entered_on__lte=end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    )


def cases_eliminated(year: int) -> Q:
    return Q(status="eliminated", closed_on__lte=year_end(year))


def poor_villages(year: int) -> Q:
    return Q(level="village", is_poor_village=True) & (
        Q(poor_listed_year__isnull=True) | Q(poor_listed_year__lte=year)
    )


def poor_villages_exited(year: int) -> Q:
    return poor_villages(year) & Q(poor_exited_year__lte=year)


def poor_villages_remaining(year: int) -> Q:
    return poor_villages(year) & (Q(poor_exited_year__isnull=True) | Q(poor_exited_year__gt=year))


# --- the indicators ------------------------------------------------------------------------------------

REG = ("status", "attribute", "cause")

register(
    Indicator("reg_hh", _("建档立卡贫困户数"), _("户"), HOUSEHOLD, registered, REG,
              description=_("识别年度不晚于当年的建档立卡户（未脱贫、已脱贫、返贫）")),
    Indicator("reg_p", _("建档立卡贫困人口"), _("人"), MEMBER, lambda y: registered(y, "household__") & ACTIVE,
              REG, description=_("建档立卡户的在册家庭成员")),
    Indicator("exited_hh", _("累计脱贫户数"), _("户"), HOUSEHOLD, exited, ("attribute", "cause"),
              description=_("脱贫年度不晚于当年、现状为已脱贫的户")),
    Indicator("exited_p", _("累计脱贫人口"), _("人"), MEMBER, lambda y: exited(y, "household__") & ACTIVE,
              ("attribute", "cause"), description=_("累计脱贫户的在册家庭成员")),
    Indicator("exited_year_hh", _("当年脱贫户数"), _("户"), HOUSEHOLD, exited_in,
              description=_("脱贫年度为当年的户")),
    Indicator("exited_year_p", _("当年脱贫人口"), _("人"), MEMBER,
              lambda y: exited_in(y, "household__") & ACTIVE, description=_("当年脱贫户的在册家庭成员")),
    Indicator("remaining_hh", _("未脱贫户数（含返贫）"), _("户"), HOUSEHOLD, remaining, REG,
              description=_("建档立卡户中年末尚未脱贫或已返贫的户")),
    Indicator("remaining_p", _("未脱贫人口（含返贫）"), _("人"), MEMBER,
              lambda y: remaining(y, "household__") & ACTIVE, REG,
              description=_("未脱贫户（含返贫户）的在册家庭成员")),
    Indicator("incidence", _("贫困发生率"), "%", MEMBER, lambda y: remaining(y, "household__") & ACTIVE,
              denominator="rural_population", scale=100,
              description=_("未脱贫人口（含返贫）÷ 当年户籍农业人口 × 100%")),
    Indicator("poor_villages", _("贫困村数"), _("个"), VILLAGE, poor_villages, group="villages",
              description=_("列为贫困村年度不晚于当年的行政村")),
    Indicator("poor_villages_exited", _("已退出贫困村数"), _("个"), VILLAGE, poor_villages_exited,
              group="villages", description=_("退出年度不晚于当年的贫困村")),
    Indicator("poor_villages_remaining", _("未退出贫困村数"), _("个"), VILLAGE, poor_villages_remaining,
              group="villages", description=_("当年末尚未退出的贫困村")),
    Indicator("mon_cases", _("监测对象户数"), _("户"), CASE, cases_open, ("monitoring_type", "risk"),
              group="monitoring", description=_("年末前纳入且年末时尚未结束的监测对象")),
    Indicator("mon_eliminated", _("累计风险消除户数"), _("户"), CASE, cases_eliminated, ("monitoring_type",),
              group="monitoring", description=_("年末前完成风险消除的监测对象")),
    Indicator("mon_leads", _("待核实和识别中的风险线索"), _("条"), CASE,
              lambda y: Q(status__in=["proposed", "in_procedure"]), ("monitoring_type",), snapshot=True,
              group="monitoring", description=_("当前待核实或正在识别程序中的线索")),
    Indicator("targets_hh", _("帮扶对象户数"), _("户"), HOUSEHOLD, lambda y: targets(), group="assistance",
              description=_("建档立卡户（含已脱贫）和监测对象户")),
    Indicator("measure_hh", _("落实帮扶措施户数"), _("户"), HOUSEHOLD, with_measures, ("measure",),
              since=assistance_since, group="assistance", description=_("帮扶对象中当年有有效措施落实记录的户")),
    Indicator("measure_coverage", _("帮扶措施覆盖率"), "%", HOUSEHOLD, with_measures,
              denominator="targets_hh", scale=100, since=assistance_since, group="assistance",
              description=_("落实帮扶措施户数 ÷ 帮扶对象户数 × 100%")),
    Indicator("cause_gap_hh", _("致贫原因缺少对应措施的户数"), _("户"), HOUSEHOLD, cause_gap, since=assistance_since, group="assistance",
              description=_("有致贫原因但当年既无对应措施落实、也无对应计划措施的帮扶对象")),
    Indicator("paired_hh", _("已落实帮扶责任人户数"), _("户"), HOUSEHOLD, paired, snapshot=True,
              group="assistance", description=_("帮扶对象中当前有帮扶责任人结对的户")),
    Indicator("pairing_coverage", _("帮扶责任人结对覆盖率"), "%", HOUSEHOLD, paired, snapshot=True,
              denominator="targets_hh", scale=100, group="assistance",
              description=_("已落实帮扶责任人户数 ÷ 帮扶对象户数 × 100%")),
    Indicator("unpaired_hh", _("未落实帮扶责任人户数"), _("户"), HOUSEHOLD, unpaired, snapshot=True,
              group="assistance", description=_("帮扶对象中当前没有结对帮扶责任人的户")),
    Indicator("visit_overdue_hh", _("未按时走访户数"), _("户"), HOUSEHOLD, visit_overdue, snapshot=True,
              group="assistance", description=_("已结对但最近一次走访早于规定间隔的帮扶对象")),
    Indicator("proc_running", _("办理中的程序"), _("件"), PROCEDURE, lambda y: Q(status="running"), ("kind",),
              snapshot=True, group="work", description=_("当前处于办理中的识别、退出、监测等程序")),
    Indicator("notices_open", _("公示中的公示公告"), _("期"), NOTICE, lambda y: Q(status="published"),
              snapshot=True, group="work", description=_("当前状态为公示中的公示公告")),
    Indicator("notices_overdue", _("公示期满未结束的公示"), _("期"), NOTICE,
              lambda y: Q(status="published", end_date__lt=timezone.localdate()), snapshot=True,
              group="work", description=_("结束日期已过但仍处于公示中的公示公告")),
)  # fmt: skip
