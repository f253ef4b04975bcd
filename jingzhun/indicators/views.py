"""Indicator pages: the dashboard (驾驶舱), the drill-down behind every figure, statistical tables (xlsx)
and the refresh of pre-aggregated values."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.scoping import user_can, user_paths
from jingzhun.core.services import job_enqueue

from . import dashboard, registry, selectors, tables
from .choices import VIEW
from .services import FIRST_YEAR, county_of
from .tasks import indicators_refresh_task

PAGE_SIZE = 50


def _need(request) -> None:
    if user_paths(request.user, VIEW) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def _year(request) -> int:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    try:
        year = int(raw) if raw else this_year
    except ValueError:
        raise Http404(_("年度格式不正确。")) from None
    if not FIRST_YEAR <= year <= this_year:
        raise Http404(_("年度超出范围。"))
    return year


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _crumbs(user, area) -> list:
    """Ancestors the user may open, then the area itself (the area switcher's path)."""
    return [a for a in area.ancestors() if user_can(user, VIEW, a)] + [area]


@access("scoped")
@login_required
def dashboard_view(request):
    _need(request)
    area = selectors.area_or_404(request.user, request.GET.get("area"))
    year = _year(request)
    data = dashboard.build(area, year)
    late = _late_tasks(request.user, area)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "area": area,
            "year": year,
            "years": _years(),
            "crumbs": _crumbs(request.user, area),
            "kids": [k for k, _f in data["children"]],
            "groups": data["groups"],
            "charts": data["charts"],
            "computed_at": selectors.computed_at(area),
            "late_tasks": late,
        },
    )


def _late_tasks(user, area):
    """Late task items (工作任务清单) under the area, when the reports app is installed."""
    try:
        from jingzhun.reports.selectors import late_items_count
    except ImportError:  # pragma: no cover - reports app absent
        return None
    return late_items_count(user, area)


COLUMNS = {
    "household": [
        _l("户编号"),
        _l("户主"),
        _l("所在村组"),
        _l("贫困状态"),
        _l("识别年度"),
        _l("脱贫年度"),
        _l("在册人数"),
    ],
    "member": [_l("姓名"), _l("身份证号"), _l("户编号"), _l("户主"), _l("所在村组"), _l("贫困状态")],
    "case": [
        _l("户编号"),
        _l("户主"),
        _l("所在村组"),
        _l("监测对象类型"),
        _l("风险类型"),
        _l("状态"),
        _l("纳入日期"),
    ],
    "village": [_l("区划代码"), _l("行政村"), _l("列为贫困村年度"), _l("贫困村退出年度")],
    "procedure": [_l("程序类型"), _l("户主"), _l("所在村组"), _l("状态"), _l("年度")],
    "notice": [_l("标题"), _l("类型"), _l("开始日期"), _l("结束日期"), _l("状态")],
}
RELATED = {
    "household": ["area"],
    "member": ["household", "household__area"],
    "case": ["household", "area"],
    "village": [],
    "procedure": ["household", "area"],
    "notice": [],
}


@access("scoped")
@login_required
def drill(request, code):
    """The rows behind one figure: the same filters, the user's scope; its count equals the figure."""
    _need(request)
    ind = selectors.indicator_or_404(code)
    area = selectors.area_or_404(request.user, request.GET.get("area"))
    year = _year(request)
    dim = request.GET.get("dim", "")
    member = request.GET.get("member", "")
    if dim and registry.dim(dim) is None:
        raise Http404(_("指标没有该分组。"))
    qs = selectors.drill_queryset(request.user, ind, area, year, dim, member)
    qs = qs.select_related(*RELATED[ind.subject.key]).order_by("pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    figure = selectors.figures(area, year, [code])[code]
    if dim:
        figure = next((f for f in selectors.breakdown(area, year, code, dim) if f.member == member), figure)
    member_label = registry.dim(dim).labels().get(member, member) if dim else ""
    return render(
        request,
        "indicators/drill.html",
        {
            "ind": ind,
            "area": area,
            "year": selectors.effective_year(ind, year),
            "dim": registry.dim(dim) if dim else None,
            "member_label": member_label,
            "figure": figure,
            "page_obj": page,
            "count": page.paginator.count,
            "columns": COLUMNS[ind.subject.key],
            "subject": ind.subject.key,
            "query": request.GET.urlencode(),
        },
    )


@access("scoped")
@login_required
@require_POST
def refresh(request):
    """Queue a refresh of the values of the county containing the chosen area."""
    _need(request)
    area = selectors.area_or_404(request.user, request.POST.get("area"))
    root = county_of(area)
    job = job_enqueue(
        actor=request.user,
        kind="indicators.refresh",
        title=_("更新统计指标：%(area)s") % {"area": root.name},
        task=indicators_refresh_task,
        area=area,
        params={},
    )
    return redirect("core:job-detail", pk=job.pk)


@access("scoped")
@login_required
def table_list(request):
    _need(request)
    area = selectors.area_or_404(request.user, request.GET.get("area"))
    year = _year(request)
    return render(
        request,
        "indicators/tables.html",
        {
            "area": area,
            "year": year,
            "years": _years(),
            "crumbs": _crumbs(request.user, area),
            "kids": selectors.children(area),
            "tables": [(key, title) for key, (title, _fn) in tables.TABLES.items()],
        },
    )


@access("scoped")
@login_required
def table_download(request, kind):
    _need(request)
    if kind not in tables.TABLES:
        raise Http404(_("报表不存在。"))
    area = selectors.area_or_404(request.user, request.GET.get("area"))
    year = _year(request)
    title, build = tables.TABLES[kind]
    data = tables.to_xlsx(build(request.user, area, year))
    name = f"{area.name}{year}年{title}.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
