"""Forms of the procedure pages. They shape input only; every rule is checked again by the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import EvidenceKind, Level, NoticeKind, ProcedureKind, ProcedureStatus, StepAction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (photos, signed forms); each is checked by ``evidence.check_upload``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个文件。") % {"n": MAX_FILES})
        return files


def _area_choices(areas, blank=True):
    level_mark = {"township": "", "village": "　", "group": "　　"}
    rows = [("", _("全部"))] if blank else []
    return rows + [(a.code, f"{level_mark.get(a.level, '')}{a.name}") for a in areas]


def _year_now() -> int:
    return timezone.localdate().year


class ProcedureFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("程序类型"), required=False)
    step = forms.ChoiceField(label=_("当前环节"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    area = forms.ChoiceField(label=_("区域"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    q = forms.CharField(label=_("户主姓名/户编号"), required=False, max_length=50)
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def __init__(self, *args, areas=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *ProcedureKind.choices]
        self.fields["step"].choices = [("", _("全部")), *steps]
        self.fields["status"].choices = [("", _("全部")), *ProcedureStatus.choices]
        self.fields["area"].choices = _area_choices(areas)


class StepPassForm(StyledFormMixin, forms.Form):
    """Pass one procedure's current step: the engine's own inputs for the step's action, then comment,
    date and evidence. The kind's step form (``spec.form_for``) is rendered beside it with prefix ``data``."""

    comment = forms.CharField(
        label=_("办理意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    acted_on = forms.DateField(label=_("办理日期"), required=False, widget=DATE)
    files = MultipleFileField(
        label=_("佐证材料"),
        help_text=_("照片、签字表、会议记录等（jpg/png/pdf/docx/xlsx，每个不超过 10 MB）"),
    )
    file_kind = forms.ChoiceField(label=_("材料类型"), choices=EvidenceKind.choices, required=False)

    def __init__(self, *args, step=None, skip=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acted_on"].initial = timezone.localdate()
        if step is None:
            return
        extra = {}
        if step.action == StepAction.APPLY and step.config.get("require_authorisation"):
            extra["authorised"] = forms.BooleanField(
                label=_("农户已签署家庭经济状况核查（数据比对）授权书"), required=False
            )
        if step.action == StepAction.SURVEY and step.config.get("require_agreement"):
            extra["household_agrees"] = forms.BooleanField(label=_("农户已签字认可核实结果"), required=False)
        if step.action == StepAction.APPRAISAL:
            extra["representatives"] = forms.IntegerField(
                label=_("村民代表总数"), required=False, min_value=0
            )
            extra["present"] = forms.IntegerField(label=_("到会代表人数"), required=False, min_value=0)
            extra["votes_for"] = forms.IntegerField(label=_("赞成票"), required=False, min_value=0)
            extra["votes_against"] = forms.IntegerField(label=_("反对票"), required=False, min_value=0)
        # the engine's inputs first, then the common ones
        extra = {k: f for k, f in extra.items() if k not in skip}
        self.fields = {**extra, **self.fields}
        for field in extra.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            field.widget.attrs["class"] = css

    def engine_data(self) -> tuple[dict, dict | None]:
        """(data, meeting) for ``services.step_complete``."""
        d = self.cleaned_data
        data = {k: d[k] for k in ("authorised", "household_agrees") if k in d}
        meeting = None
        if "representatives" in self.fields:
            meeting = {"representatives": d.get("representatives"), "present": d.get("present")}
            data["votes_for"] = d.get("votes_for")
            data["votes_against"] = d.get("votes_against") or 0
        return data, meeting


class SendBackForm(StyledFormMixin, forms.Form):
    to_step = forms.ChoiceField(label=_("退回到"), required=False)
    reason = forms.CharField(
        label=_("退回理由"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, earlier=(), default="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = [(s.code, f"{s.order}. {s.name}") for s in earlier]
        self.fields["to_step"].initial = default or (earlier[-1].code if earlier else "")


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class OverrideForm(StyledFormMixin, forms.Form):
    codes = forms.MultipleChoiceField(
        label=_("批准例外的规则"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=_("批准理由"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [
            (f["code"], f.get("name") or f["code"])
            for f in findings
            if f.get("code") and not f.get("overridden")
        ]
        self.fields["codes"].widget.attrs["class"] = ""


class BatchChooseForm(StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("村（社区）/乡镇"))
    kind = forms.ChoiceField(label=_("程序类型"), choices=ProcedureKind.choices)
    step = forms.ChoiceField(label=_("环节"))

    def __init__(self, *args, areas=(), steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices(areas, blank=False)
        self.fields["step"].choices = list(steps)


class BatchActForm(StyledFormMixin, forms.Form):
    """The sitting of a batch step: meeting data for an appraisal, date, comment, minutes/photos."""

    representatives = forms.IntegerField(label=_("村民代表总数"), required=False, min_value=0)
    present = forms.IntegerField(label=_("到会人数"), required=False, min_value=0)
    acted_on = forms.DateField(label=_("办理日期"), required=False, widget=DATE)
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label=_("会议记录/照片"))

    def __init__(self, *args, appraisal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acted_on"].initial = timezone.localdate()
        if not appraisal:
            del self.fields["representatives"]
            del self.fields["present"]
            self.fields["files"].label = _("佐证材料")


class StartForm(StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("村（社区）"))
    kind = forms.ChoiceField(label=_("程序类型"), choices=ProcedureKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("名单名称"), required=False, max_length=100, help_text=_("留空则自动命名")
    )
    q = forms.CharField(label=_("户主姓名/户编号"), required=False, max_length=50)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices(areas, blank=False)
        self.fields["year"].initial = _year_now()
        self.fields["kind"].choices = [c for c in ProcedureKind.choices if c[0] != "change_request"]


class TemplateHeadForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=60)


class TemplateStepForm(StyledFormMixin, forms.Form):
    """One step of a county's revision; ``config`` keeps the step's other parameters as JSON."""

    code = forms.SlugField(label=_("环节代码"), max_length=32, required=False)
    name = forms.CharField(label=_("环节名称"), max_length=60, required=False)
    level = forms.ChoiceField(label=_("办理层级"), choices=Level.choices, required=False)
    capability = forms.ChoiceField(label=_("所需权限"), required=False)
    action = forms.ChoiceField(label=_("环节类型"), choices=StepAction.choices, required=False)
    notice_kind = forms.ChoiceField(
        label=_("公示类型"), choices=[("", "-"), *NoticeKind.choices], required=False
    )
    period_days = forms.IntegerField(label=_("期限(天)"), min_value=0, max_value=365, required=False)
    is_batch = forms.BooleanField(label=_("批量"), required=False)
    send_back_to = forms.CharField(label=_("默认退回环节"), max_length=32, required=False)
    quorum = forms.CharField(label=_("到会比例"), max_length=10, required=False)
    pass_ratio = forms.CharField(label=_("通过比例"), max_length=10, required=False)
    config = forms.JSONField(label=_("其他参数"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, capabilities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].choices = list(capabilities)

    def as_step(self) -> dict | None:
        """The step as the service wants it, or None for an empty extra row."""
        d = self.cleaned_data
        if not d or (not d.get("code") and not d.get("name")):
            return None
        config = dict(d.get("config") or {})
        for key in ("quorum", "pass_ratio"):
            if d.get(key):
                config[key] = d[key].strip()
            else:
                config.pop(key, None)
        return {
            "code": d.get("code") or "",
            "name": d.get("name") or "",
            "level": d.get("level") or "",
            "capability": d.get("capability") or "",
            "action": d.get("action") or "",
            "notice_kind": d.get("notice_kind") or "",
            "period_days": d.get("period_days") or 0,
            "is_batch": bool(d.get("is_batch")),
            "send_back_to": (d.get("send_back_to") or "").strip(),
            "config": config,
        }


def step_initial(step) -> dict:
    config = dict(step.config or {})
    return {
        "code": step.code,
        "name": step.name,
        "level": step.level,
        "capability": step.capability,
        "action": step.action,
        "notice_kind": step.notice_kind,
        "period_days": step.period_days,
        "is_batch": step.is_batch,
        "send_back_to": step.send_back_to,
        "quorum": config.pop("quorum", ""),
        "pass_ratio": config.pop("pass_ratio", ""),
        "config": config,
    }


TemplateStepFormSet = forms.formset_factory(
    TemplateStepForm, extra=1, can_order=True, can_delete=True, max_num=30, validate_max=True
)
