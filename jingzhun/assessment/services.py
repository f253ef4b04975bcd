"""Assessment services: start a batch assessment (background job), and the village exit checklist.

Village exit steps are in services_village.py; the procedure hooks (exit, risk elimination) in kinds.py.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, job_enqueue
from jingzhun.policy.selectors import checklist

from .choices import JOB_KIND, Period
from .models import ChecklistItem

RUN_LEVELS = (AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE)


def _year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("请填写评估年度。"), field="year") from None
    if not 2010 <= year <= timezone.localdate().year:
        raise DomainError(
            _("评估年度应在 2010 至 %(max)s 年之间。") % {"max": timezone.localdate().year}, field="year"
        )
    return year


@transaction.atomic
def assessment_run_start(*, actor, area, year: int, period: str = Period.YEAR):
    """Queue the assessment of every household under ``area`` (county, township or village)."""
    if not user_can(actor, "assessment.run", area):
        raise AccessDenied(_("您无权评估“%(area)s”的农户。") % {"area": area.name})
    if area.level not in RUN_LEVELS:
        raise DomainError(_("请选择县、乡镇或村进行评估。"), field="area")
    if period not in Period.values:
        raise DomainError(_("未知的收入口径。"), field="period")
    year = _year(year)
    from .tasks import assessment_run_task

    return job_enqueue(
        actor=actor,
        kind=JOB_KIND,
        title=_("%(area)s %(year)s 年退出评估") % {"area": area.name, "year": year},
        task=assessment_run_task,
        area=area,
        params={"area": area.pk, "year": year, "period": period},
    )


@transaction.atomic
def checklist_item_save(
    *, actor, village, year: int, code: str, met: bool, evidence: str = "", evidence_file=None
) -> ChecklistItem:
    """Record whether a checklist item is met in ``year``, with its evidence (required when met)."""
    if village.level != AreaLevel.VILLAGE:
        raise DomainError(_("清单只能按行政村填报。"), field="village")
    if not user_can(actor, "assessment.run", village):
        raise AccessDenied(_("您无权填报“%(area)s”的退出清单。") % {"area": village.name})
    year = _year(year)
    items = {x["code"]: x["name"] for x in checklist(year, village)}
    if code not in items:
        raise DomainError(_("该项目不在 %(year)s 年的退出清单中。") % {"year": year}, field="code")
    evidence = (evidence or "").strip()
    if len(evidence) > 2000:
        raise DomainError(_("佐证说明不能超过 2000 个字。"), field="evidence")
    if evidence_file is not None:
        from jingzhun.workflows.evidence import check_upload

        check_upload(evidence_file)
    item = ChecklistItem.objects.select_for_update().filter(area=village, year=year, code=code).first()
    before = None if item is None else {"met": item.met, "evidence": item.evidence}
    if item is None:
        item = ChecklistItem(area=village, area_path=village.path, year=year, code=code)
    if met and not evidence and not (evidence_file or item.evidence_file):
        raise DomainError(_("达标的项目须填写佐证说明或上传佐证材料。"), field="evidence", code="required")
    item.name = items[code]
    item.met = bool(met)
    item.evidence = evidence or (_("见佐证材料") if met else "")
    if evidence_file is not None:
        item.evidence_file = evidence_file
    item.updated_by = actor
    item.save()
    audit_record(
        actor=actor,
        action="assessment.checklist",
        target=item,
        area=village,
        before=before,
        after={"year": year, "code": code, "met": item.met, "evidence": item.evidence[:200]},
    )
    return item
