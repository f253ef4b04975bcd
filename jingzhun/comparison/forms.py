"""Forms of the comparison pages. They validate input; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import Decision, Fact, FieldKind, RelativeKind, Strength, SuspectStatus
from .loading import type_fields
from .models import DatasetType

MAX_UPLOAD = 300 * 1024 * 1024
MAX_EVIDENCE = 20 * 1024 * 1024
EVIDENCE_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xlsx")


def _table_file(f):
    if not f.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError(_("只支持 xlsx 或 csv 文件。"))
    if f.size == 0:
        raise forms.ValidationError(_("文件是空的。"))
    if f.size > MAX_UPLOAD:
        raise forms.ValidationError(_("文件不能超过 300 MB。"))
    return f


def _evidence_file(f):
    if not f:
        return f
    if not f.name.lower().endswith(EVIDENCE_TYPES):
        raise forms.ValidationError(_("佐证材料只支持图片、PDF、Word 或 xlsx 文件。"))
    if f.size > MAX_EVIDENCE:
        raise forms.ValidationError(_("佐证材料不能超过 20 MB。"))
    return f


class UploadForm(StyledFormMixin, forms.Form):
    dataset_type = forms.ModelChoiceField(
        label=_("数据集类型"), queryset=DatasetType.objects.filter(active=True)
    )
    department = forms.CharField(
        label=_("提供部门"), max_length=50, required=False, help_text=_("留空则用该类型的默认部门")
    )
    as_of = forms.DateField(label=_("数据截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("数据文件（xlsx 或 csv）"))

    def clean_file(self):
        return _table_file(self.cleaned_data["file"])

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("数据截止日期不能晚于今天。"))
        return value


class MappingForm(forms.Form):
    """One select per target field, listing the file's headers."""

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("（不对应）"))] + [(h, h) for h in batch.headers]
        for f in type_fields(batch.dataset_type):
            self.fields[f["code"]] = forms.ChoiceField(
                label=f["label"], choices=choices, required=False, initial=batch.mapping.get(f["code"], "")
            )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def mapping(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v}


class RunForm(StyledFormMixin, forms.Form):
    full = forms.BooleanField(
        label=_("全量重新比对（档案变化较大时使用；默认只比对新入库的批次）"), required=False
    )


class SuspectFilterForm(forms.Form):
    q = forms.CharField(label=_("户编号/姓名"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("待核实处理"))] + list(SuspectStatus.choices),
    )
    fact = forms.ChoiceField(
        label=_("比对事实"), required=False, choices=[("", _("全部"))] + list(Fact.choices)
    )
    strength = forms.ChoiceField(
        label=_("匹配强度"), required=False, choices=[("", _("全部"))] + list(Strength.choices)
    )
    run = forms.IntegerField(label=_("比对运行"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            if name != "run":
                field.widget.attrs["class"] = css

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")} if self.is_valid() else {}


class VisitForm(StyledFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("核实日期"), widget=forms.DateInput(attrs={"type": "date"}))
    visitors = forms.CharField(label=_("核实人员"), max_length=200)
    findings = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    confirmed = forms.BooleanField(label=_("比对信息属实"), required=False, initial=True)
    file = forms.FileField(label=_("现场材料（照片、签字表等，可选）"), required=False)

    def clean_file(self):
        return _evidence_file(self.cleaned_data.get("file"))


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("处理决定"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("处理理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    file = forms.FileField(label=_("佐证材料（决定保留时必须上传）"), required=False)
    fact_disproved = forms.BooleanField(
        label=_("比对信息不实（非本人或数据错误），今后识别时不再作为排除依据"), required=False
    )

    def clean_file(self):
        return _evidence_file(self.cleaned_data.get("file"))


class SignoffForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("县级意见"),
        choices=[("1", _("确认")), ("0", _("退回村级重新处理"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )


class RelativeForm(StyledFormMixin, forms.Form):
    household_no = forms.CharField(label=_("户编号"), max_length=20)
    kind = forms.ChoiceField(label=_("关系类别"), choices=RelativeKind.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    birth_date = forms.DateField(
        label=_("出生日期（无身份证号时必填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("备注（工作地、单位等）"), max_length=200, required=False)


class RelativeImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("关联人员文件（列：户编号、姓名、身份证号、关系类别，可选出生日期、备注）")
    )

    def clean_file(self):
        return _table_file(self.cleaned_data["file"])


class DatasetTypeForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("代码"), max_length=32, help_text=_("小写字母、数字和下划线，创建后不可修改")
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    department = forms.CharField(label=_("提供部门"), max_length=50, required=False)
    fact = forms.ChoiceField(label=_("比对事实"), choices=Fact.choices)
    fields_text = forms.CharField(
        label=_("数据字段"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个：代码|名称|类型(text/number/date)|表头别名1,别名2"),
    )
    cover_relatives = forms.BooleanField(label=_("比对分户子女、子女配偶和法定赡养人"), required=False)
    raises_suspect = forms.BooleanField(label=_("产生疑点户"), required=False, initial=True)
    alert_risk = forms.CharField(
        label=_("推送监测的风险类型代码（可选，如 illness）"), max_length=24, required=False
    )
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": instance.code,
                "name": instance.name,
                "department": instance.department,
                "fact": instance.fact,
                "fields_text": "\n".join(
                    f"{f['code']}|{f['label']}|{f.get('kind', 'text')}|{','.join(f.get('aliases') or [])}"
                    for f in instance.fields
                ),
                "cover_relatives": instance.cover_relatives,
                "raises_suspect": instance.raises_suspect,
                "alert_risk": instance.alert_risk,
                "active": instance.active,
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["code"].disabled = True

    def clean_fields_text(self):
        out = []
        for n, line in enumerate(self.cleaned_data.get("fields_text", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2:
                raise forms.ValidationError(_("第%(n)s行应为：代码|名称|类型|别名") % {"n": n})
            kind = parts[2] if len(parts) > 2 and parts[2] else FieldKind.TEXT
            aliases = [
                a for a in (parts[3].replace("，", ",").split(",") if len(parts) > 3 else []) if a.strip()
            ]
            out.append({"code": parts[0], "label": parts[1], "kind": kind, "aliases": aliases})
        return out

    def data_dict(self) -> dict:
        d = dict(self.cleaned_data)
        d["fields"] = d.pop("fields_text")
        return d
