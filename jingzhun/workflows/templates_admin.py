"""Template administration: a county revises a procedure template (adds a step, changes a period …).

A revision is a new ``ProcedureTemplate`` version for the county (``area_key`` = the county's path); the
county's previous version stops being current. Procedures keep the template version they started with
(``Procedure.template``), so a running procedure walks its old steps to the end and only procedures
started afterwards get the new ones.
"""

from __future__ import annotations

import re
from fractions import Fraction

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record

from .choices import Level, NoticeKind, ProcedureKind, StepAction
from .models import ProcedureTemplate, StepTemplate
from .services import template_for

CODE_RE = re.compile(r"^[a-z0-9_-]{1,32}$")
MAX_STEPS = 30
STEP_FIELDS = (
    "code",
    "name",
    "level",
    "capability",
    "action",
    "notice_kind",
    "period_days",
    "is_batch",
    "send_back_to",
    "config",
)


def _ratio_ok(value) -> bool:
    try:
        r = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return False
    return 0 < r <= 1


def clean_steps(steps: list[dict]) -> list[dict]:
    """Validate a step list; every message names the step (第N个环节) and the field."""
    from jingzhun.accounts.models import Capability

    if not steps:
        raise DomainError(_("模板至少要有一个环节。"), field="steps", code="required")
    if len(steps) > MAX_STEPS:
        raise DomainError(_("模板最多 %(n)s 个环节。") % {"n": MAX_STEPS}, field="steps")
    known_caps = set(Capability.objects.values_list("code", flat=True))
    seen: list[str] = []
    cleaned = []
    for i, raw in enumerate(steps, start=1):
        if not isinstance(raw, dict):
            raise DomainError(_("第%(i)s个环节格式不正确。") % {"i": i}, field="steps")
        who = _("第%(i)s个环节：") % {"i": i}
        step = {k: raw.get(k) for k in STEP_FIELDS}
        code = str(step["code"] or "").strip()
        name = str(step["name"] or "").strip()
        if not CODE_RE.match(code):
            raise DomainError(who + _("环节代码只能由小写字母、数字、下划线组成（1–32 位）。"), field="code")
        if code in seen:
            raise DomainError(who + _("环节代码“%(code)s”重复。") % {"code": code}, field="code")
        if not name or len(name) > 60:
            raise DomainError(who + _("请填写环节名称（不超过 60 字）。"), field="name")
        if step["level"] not in Level.values:
            raise DomainError(who + _("请选择办理层级。"), field="level")
        if step["action"] not in StepAction.values:
            raise DomainError(who + _("请选择环节类型。"), field="action")
        capability = str(step["capability"] or "").strip()
        if capability not in known_caps:
            raise DomainError(who + _("权限“%(cap)s”不存在。") % {"cap": capability}, field="capability")
        notice_kind = str(step["notice_kind"] or "")
        if step["action"] == StepAction.NOTICE:
            if notice_kind not in NoticeKind.values:
                raise DomainError(who + _("公示/公告环节须选择公示类型。"), field="notice_kind")
            if i == 1:
                raise DomainError(who + _("第一个环节不能是公示/公告。"), field="action")
        else:
            notice_kind = ""
        try:
            period = int(step["period_days"] or 0)
        except (TypeError, ValueError):
            raise DomainError(who + _("期限须为整数天数。"), field="period_days") from None
        if not 0 <= period <= 365:
            raise DomainError(who + _("期限须在 0–365 天之间。"), field="period_days")
        back = str(step["send_back_to"] or "").strip()
        if back and back not in seen:
            raise DomainError(
                who + _("默认退回环节“%(code)s”须是本环节之前的环节。") % {"code": back}, field="send_back_to"
            )
        config = step["config"] or {}
        if not isinstance(config, dict):
            raise DomainError(who + _("环节参数格式不正确。"), field="config")
        for key, label in (("quorum", _("到会比例")), ("pass_ratio", _("通过比例"))):
            if key in config and not _ratio_ok(config[key]):
                raise DomainError(
                    who + _("%(label)s须是 0 到 1 之间的比例，如 2/3。") % {"label": label}, field=key
                )
        seen.append(code)
        cleaned.append(
            {
                "code": code,
                "name": name,
                "level": step["level"],
                "capability": capability,
                "action": step["action"],
                "notice_kind": notice_kind,
                "period_days": period,
                "is_batch": bool(step["is_batch"]),
                "send_back_to": back,
                "config": config,
            }
        )
    return cleaned


def steps_of(template: ProcedureTemplate) -> list[dict]:
    return [
        {k: getattr(s, k) for k in STEP_FIELDS}
        for s in StepTemplate.objects.filter(template=template).order_by("order")
    ]


@transaction.atomic
def template_revise(*, actor, kind: str, county_area, steps: list[dict], name: str = "") -> ProcedureTemplate:
    """Write a new version of ``kind``'s template for ``county_area`` and make it current."""
    if kind not in ProcedureKind.values:
        raise DomainError(_("程序类型不存在。"), field="kind")
    if county_area is None or county_area.level != "county":
        raise DomainError(_("程序模板只能按县（区）调整。"), field="county")
    if not user_can(actor, "workflows.templates", county_area):
        raise AccessDenied(_("您无权调整“%(area)s”的程序模板。") % {"area": county_area.name})
    cleaned = clean_steps(steps)
    base = template_for(kind, county_area)
    name = (name or "").strip() or base.name
    if len(name) > 60:
        raise DomainError(_("模板名称不能超过 60 个字。"), field="name")
    key = county_area.path[:6]
    previous = (
        ProcedureTemplate.objects.select_for_update().filter(kind=kind, area_key=key, is_current=True).first()
    )
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    last = ProcedureTemplate.objects.filter(kind=kind, area_key=key).aggregate(v=Max("version"))["v"] or 0
    template = ProcedureTemplate.objects.create(
        kind=kind,
        name=name,
        area=county_area,
        area_key=key,
        version=last + 1,
        is_current=True,
        description=base.description,
        created_by=actor,
    )
    StepTemplate.objects.bulk_create(
        StepTemplate(template=template, order=i, **s) for i, s in enumerate(cleaned, start=1)
    )
    before = {"template": base.pk, "version": base.version, "steps": [s["code"] for s in steps_of(base)]}
    audit_record(
        actor=actor,
        action="procedure.template_revise",
        target=template,
        area=county_area,
        before=before,
        after={
            "version": template.version,
            "steps": [
                {k: s[k] for k in ("code", "name", "level", "period_days", "is_batch")} for s in cleaned
            ],
        },
    )
    return template
