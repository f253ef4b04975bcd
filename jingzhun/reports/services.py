"""Services of the reports app: templates, text blocks, report generation, task lists and progress.

Each writes its audit event in the same transaction; area rights are checked here, not only in views.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, changed, snapshot
from jingzhun.indicators.choices import VIEW as INDICATORS_VIEW

from . import docx
from .builder import Period, build_content
from .choices import MANAGE, TASKS, VIEW, BlockKey, PeriodKind
from .models import ReportTemplate, TaskItem, TaskList, TaskProgress, TextBlock, WorkReport


def _require(actor, capability: str, area: Area) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(_("您无权在“%(area)s”执行此操作。") % {"area": area.name})


def county_of(area: Area) -> Area:
    return area if len(area.path) <= 6 else Area.objects.get(path=area.path[:6])


# --- templates and text blocks ------------------------------------------------------------------------


def active_template(area: Area) -> ReportTemplate | None:
    county = county_of(area)
    return ReportTemplate.objects.filter(area=county, is_active=True).order_by("-version").first()


def template_bytes(area: Area) -> tuple[bytes, ReportTemplate | None]:
    tpl = active_template(area)
    if tpl is None:
        return docx.default_template(), None
    with tpl.file.open("rb") as fh:
        return fh.read(), tpl


@transaction.atomic
def template_upload(*, actor, area: Area, data: bytes, name: str, note: str = "") -> ReportTemplate:
    """Store a new template version for the county after checking it renders with the county's data."""
    county = county_of(area)
    _require(actor, MANAGE, county)
    period = Period.of(PeriodKind.YEAR, timezone.localdate().year)
    docx.check_template(data, build_content(actor, county, period))
    version = (ReportTemplate.objects.filter(area=county).aggregate(m=Max("version"))["m"] or 0) + 1
    tpl = ReportTemplate(
        area=county, area_path=county.path, version=version, original_name=name[:200], note=note[:200],
        uploaded_by=actor,
    )  # fmt: skip
    tpl.file.save(f"template-{county.code}-v{version}.docx", ContentFile(data), save=False)
    tpl.save()
    ReportTemplate.objects.filter(area=county).exclude(pk=tpl.pk).update(is_active=False)
    audit_record(actor=actor, action="reports.template_upload", target=tpl, area=county,
                 after={"version": version, "name": name, "size": len(data)})  # fmt: skip
    return tpl


@transaction.atomic
def template_activate(*, actor, template: ReportTemplate) -> ReportTemplate:
    _require(actor, MANAGE, template.area)
    ReportTemplate.objects.filter(area=template.area).update(is_active=False)
    ReportTemplate.objects.filter(pk=template.pk).update(is_active=True)
    template.is_active = True
    audit_record(
        actor=actor, action="reports.template_activate", target=template, after={"version": template.version}
    )
    return template


@transaction.atomic
def template_reset(*, actor, area: Area) -> None:
    """Go back to the built-in template (uploaded versions are kept, none active)."""
    county = county_of(area)
    _require(actor, MANAGE, county)
    ReportTemplate.objects.filter(area=county).update(is_active=False)
    audit_record(actor=actor, action="reports.template_reset", target=county)


@transaction.atomic
def text_block_save(*, actor, area: Area, key: str, body: str) -> TextBlock | None:
    """Set an area's text of one block; an empty body removes it (the parent's or default text applies)."""
    _require(actor, MANAGE, area)
    if key not in BlockKey.values:
        raise DomainError(_("段落类型不正确。"), field="key")
    body = body.strip()
    if len(body) > 5000:
        raise DomainError(_("内容不能超过 5000 字。"), field="body")
    block = TextBlock.objects.filter(area=area, key=key).first()
    before = {"body": block.body} if block else None
    if not body:
        if block:
            block.delete()
            audit_record(actor=actor, action="reports.text_delete", area=area, before=before,
                         target_type="reports.textblock", target_id=key, target_label=str(area))  # fmt: skip
        return None
    if block is None:
        block = TextBlock(area=area, area_path=area.path, key=key)
    block.body, block.updated_by = body, actor
    block.save()
    audit_record(
        actor=actor, action="reports.text_save", target=block, area=area, before=before, after={"body": body}
    )
    return block


# --- reports ------------------------------------------------------------------------------------------


def period_from(kind: str, year: int | None, start, end) -> Period:
    today = timezone.localdate()
    if kind not in PeriodKind.values:
        raise DomainError(_("请选择时段。"), field="period")
    if kind == PeriodKind.CUSTOM:
        if not start or not end:
            raise DomainError(_("自定义时段需要填写开始和结束日期。"), field="start")
        if end < start:
            raise DomainError(_("结束日期不能早于开始日期。"), field="end")
        if start.year != end.year:
            raise DomainError(_("自定义时段不能跨年度。"), field="end")
    elif not year or not 2014 <= year <= today.year:
        raise DomainError(_("年度超出范围。"), field="year")
    return Period.of(kind, year, start, end)


@transaction.atomic
def report_generate(*, actor, area: Area, period: Period, issuer: str = "") -> WorkReport:
    """Build the report's content from the indicator values, render the Word file and keep both."""
    _require(actor, VIEW, area)
    _require(actor, INDICATORS_VIEW, area)
    started = time.monotonic()
    content = build_content(actor, area, period, issuer)
    data, tpl = template_bytes(area)
    try:
        out = docx.render(data, content)
    except Exception as exc:
        raise DomainError(
            _("模板无法生成文档：%(error)s") % {"error": str(exc)[:200]}, field="template"
        ) from None
    report = WorkReport(
        area=area, area_path=area.path, title=content["ctx"]["title"][:200], period=period.kind,
        start=period.start, end=period.end, year=period.year, template=tpl, content=content, created_by=actor,
    )  # fmt: skip
    report.file.save(
        f"report-{area.code}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.docx", ContentFile(out), save=False
    )
    report.seconds = Decimal(str(round(time.monotonic() - started, 2)))
    report.save()
    audit_record(actor=actor, action="reports.generate", target=report, area=area,
                 after={"period": period.label, "figures": len(content["figures"]), "template": tpl.pk if tpl else None})  # fmt: skip
    return report


# --- task lists ---------------------------------------------------------------------------------------


@transaction.atomic
def task_list_create(
    *, actor, area: Area, year: int, title: str, issuer: str = "", note: str = ""
) -> TaskList:
    _require(actor, TASKS, area)
    title = title.strip()
    if not title:
        raise DomainError(_("请填写清单名称。"), field="title")
    if TaskList.objects.filter(area=area, year=year, title=title).exists():
        raise DomainError(_("同一区域同一年度已有同名清单。"), field="title")
    tl = TaskList.objects.create(area=area, area_path=area.path, year=year, title=title, issuer=issuer,
                                 note=note, created_by=actor)  # fmt: skip
    audit_record(actor=actor, action="tasks.list_create", target=tl, after=snapshot(tl))
    return tl


def _check_item(target, deadline, task_list) -> None:
    if target is None or target <= 0:
        raise DomainError(_("目标数量必须大于 0。"), field="target")
    if deadline is None:
        raise DomainError(_("请填写完成时限。"), field="deadline")
    if deadline.year < task_list.year - 1 or deadline.year > task_list.year + 5:
        raise DomainError(_("完成时限与清单年度不符。"), field="deadline")


ITEM_FIELDS = ["name", "target", "unit", "deadline", "responsible_unit", "department", "note"]


@transaction.atomic
def task_item_save(*, actor, task_list: TaskList, item: TaskItem | None = None, **data) -> TaskItem:
    """Create (item None) or change a task; the data keys are ITEM_FIELDS."""
    _require(actor, TASKS, task_list.area)
    _check_item(data.get("target"), data.get("deadline"), task_list)
    if not (data.get("name") or "").strip():
        raise DomainError(_("请填写任务内容。"), field="name")
    before = snapshot(item, ITEM_FIELDS) if item else {}
    if item is None:
        seq = (task_list.items.aggregate(m=Max("seq"))["m"] or 0) + 1
        item = TaskItem(task_list=task_list, area_path=task_list.area_path, seq=seq)
    for f in ITEM_FIELDS:
        setattr(item, f, data.get(f) if data.get(f) is not None else "")
    item.save()
    b, a = changed(before, snapshot(item, ITEM_FIELDS))
    audit_record(actor=actor, action="tasks.item_save", target=item, area=task_list.area, before=b, after=a)
    return item


@transaction.atomic
def task_progress_add(
    *, actor, item: TaskItem, reported_on: datetime.date, completed: Decimal, note: str = ""
) -> TaskProgress:
    """Record the cumulative amount done by a date; the item shows the latest entry."""
    _require(actor, TASKS, item.task_list.area)
    if completed is None or completed < 0:
        raise DomainError(_("累计完成数量不能为负数。"), field="completed")
    if reported_on > timezone.localdate():
        raise DomainError(_("填报日期不能晚于今天。"), field="reported_on")
    later = item.progress.filter(reported_on__gt=reported_on).order_by("reported_on").first()
    if later is not None and later.completed < completed:
        raise DomainError(
            _("累计完成数量不能大于之后日期已填报的数量（%(n)s）。") % {"n": later.completed},
            field="completed",
        )
    earlier = item.progress.filter(reported_on__lte=reported_on).order_by("-reported_on", "-id").first()
    if earlier is not None and earlier.completed > completed:
        raise DomainError(
            _("累计完成数量不能小于此前已填报的数量（%(n)s）。") % {"n": earlier.completed}, field="completed"
        )
    entry = TaskProgress.objects.create(item=item, reported_on=reported_on, completed=completed, note=note[:300],
                                        recorded_by=actor)  # fmt: skip
    latest = item.progress.order_by("-reported_on", "-id").first()
    before = {"completed": item.completed, "completed_on": item.completed_on}
    item.completed, item.completed_on = latest.completed, latest.reported_on
    item.save(update_fields=["completed", "completed_on", "updated_at"])
    audit_record(actor=actor, action="tasks.progress_add", target=item, area=item.task_list.area, before=before,
                 after={"completed": completed, "reported_on": reported_on, "note": note})  # fmt: skip
    return entry
