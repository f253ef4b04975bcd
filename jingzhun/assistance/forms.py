"""Forms of the assistance pages. They collect input; the services check the rules and write."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area
from jingzhun.core.forms import StyledFormMixin
from jingzhun.core.scoping import paths_q, user_can, user_paths

from .choices import MANAGE, ChainKind, MeasureCategory, TeamRole, UnitLevel
from .files import MAX_PHOTOS
from .models import Cadre, MeasureType, Pairing, WorkTeamMember

DATE = {"type": "date"}


def date_field(label, required=True):
    # <input type="date"> only takes ISO dates; the Chinese locale would render 2026/11/24.
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


def areas_for(user, capability: str, levels: tuple[str, ...]):
    paths = user_paths(user, capability)
    qs = Area.objects.filter(level__in=levels).order_by("path")
    if paths is None:
        return qs
    return qs.filter(paths_q("path", paths)) if paths else qs.none()


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class CadreForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.CharField(label=_("工作单位"), max_length=100)
    unit_level = forms.ChoiceField(label=_("单位层级"), choices=UnitLevel.choices)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    area = AreaChoiceField(label=_("管理区域"), queryset=Area.objects.none())
    max_households = forms.IntegerField(
        label=_("本人联系户数上限"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("留空则使用本县统一上限。"),
    )
    username = forms.CharField(label=_("登录账号（可选）"), max_length=150, required=False)
    active = forms.BooleanField(label=_("在岗"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(user, MANAGE, ("county", "township", "village"))


class PairingForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("帮扶责任人"), queryset=Cadre.objects.none())
    started_on = date_field(_("结对日期"))

    def __init__(self, *args, user=None, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Cadre.objects.for_user(user, "manage").filter(active=True)
        if household is not None:
            # Cadres managed in the county of the household (county departments, its townships).
            qs = Cadre.objects.filter(active=True).filter(
                Q(pk__in=qs.values("pk")) | paths_q("area_path", [household.area_path[:6]])
            )
        self.fields["cadre"].queryset = qs.order_by("name")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.unit}）"
        self.initial.setdefault("started_on", timezone.localdate())


class EndForm(StyledFormMixin, forms.Form):
    ended_on = date_field(_("结束日期"))
    reason = forms.CharField(label=_("结束原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("ended_on", timezone.localdate())


class LinkForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("责任类型"), choices=ChainKind.choices)
    cadre = forms.ModelChoiceField(
        label=_("责任人（帮扶干部）"), queryset=Cadre.objects.none(), required=False
    )
    person_name = forms.CharField(label=_("责任人姓名"), max_length=50, required=False)
    unit = forms.CharField(label=_("责任单位"), max_length=100, required=False)
    title = forms.CharField(label=_("职务"), max_length=50, required=False)
    started_on = date_field(_("开始日期"))
    ended_on = date_field(_("结束日期"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.for_user(user, "manage").filter(active=True)


class TeamForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("工作队名称"), max_length=100)
    sending_unit = forms.CharField(label=_("派出单位"), max_length=100)
    area = AreaChoiceField(label=_("驻村"), queryset=Area.objects.none())
    started_on = date_field(_("进驻日期"))
    ended_on = date_field(_("撤离日期"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(user, MANAGE, ("village",))


class TeamMemberForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("队员"), queryset=Cadre.objects.none())
    role = forms.ChoiceField(label=_("职责"), choices=TeamRole.choices, initial=TeamRole.MEMBER)
    started_on = date_field(_("进驻日期"))

    def __init__(self, *args, user=None, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Cadre.objects.for_user(user, "manage").filter(active=True)
        if team is not None:
            qs = Cadre.objects.filter(active=True).filter(
                Q(pk__in=qs.values("pk")) | paths_q("area_path", [team.area_path[:6]])
            )
        self.fields["cadre"].queryset = qs.order_by("name")
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.unit}）"


class MemberEndForm(StyledFormMixin, forms.Form):
    ended_on = date_field(_("离队日期"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class VisitForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("走访人"), queryset=Cadre.objects.none())
    visited_on = date_field(_("走访日期"))
    content = forms.CharField(label=_("走访内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(
        label=_("发现的问题"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("照片"),
        required=False,
        help_text=_("JPG、PNG、WebP 图片或 PDF，每个不超过 5 MB，最多 %(max)s 个。") % {"max": MAX_PHOTOS},
    )

    def __init__(self, *args, user=None, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = set(
            Pairing.objects.filter(household=household, ended_on__isnull=True).values_list(
                "cadre_id", flat=True
            )
        )
        ids |= set(
            WorkTeamMember.objects.filter(
                team__area_path=household.area_path[:12], ended_on__isnull=True
            ).values_list("cadre_id", flat=True)
        )
        own = getattr(user, "cadre", None) if user is not None else None
        if own is not None and not user_can(user, MANAGE, household.area):
            ids = {own.pk}  # a cadre records its own visits only
        self.fields["cadre"].queryset = Cadre.objects.filter(pk__in=ids).order_by("name")
        if own is not None and own.pk in ids:
            self.initial.setdefault("cadre", own.pk)
        self.initial.setdefault("visited_on", timezone.localdate())


class PlanForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)
    goal = forms.CharField(label=_("帮扶目标"), max_length=300, required=False)


class PlanItemForm(StyledFormMixin, forms.Form):
    measure = forms.ModelChoiceField(
        label=_("措施"), queryset=MeasureType.objects.filter(active=True), required=False
    )
    cause = forms.ChoiceField(label=_("针对致贫原因"), required=False)
    content = forms.CharField(label=_("具体内容"), max_length=200, required=False)
    planned_amount = forms.DecimalField(
        label=_("计划金额/数量"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=100, required=False)

    def __init__(self, *args, causes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = [("", "—"), *causes]


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=3, max_num=30)


class DeliveryForm(StyledFormMixin, forms.Form):
    id_number = forms.CharField(label=_("享受人身份证号"), max_length=20)
    name = forms.CharField(label=_("享受人姓名（核对用）"), max_length=50, required=False)
    measure = forms.ModelChoiceField(label=_("措施"), queryset=MeasureType.objects.filter(active=True))
    delivered_on = date_field(_("落实日期"))
    amount = forms.DecimalField(label=_("金额（元）或数量"), max_digits=12, decimal_places=2)
    department = forms.CharField(label=_("发放部门"), max_length=100, required=False)
    program = forms.CharField(label=_("资金/项目名称"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].label_from_instance = lambda m: f"{m.name}（{m.unit}）"
        self.initial.setdefault("department", getattr(user, "unit", ""))
        self.initial.setdefault("delivered_on", timezone.localdate())


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("措施落实文件（xlsx 或 csv）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 xlsx 或 csv 文件。"))
        if f.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        if f.size > 100 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 100 MB。"))
        return f


class SettingForm(StyledFormMixin, forms.Form):
    max_households_per_cadre = forms.IntegerField(
        label=_("每名帮扶责任人最多联系户数"), min_value=1, max_value=100
    )
    min_visits_per_month = forms.IntegerField(label=_("每户每月至少走访次数"), min_value=1, max_value=31)


class MeasureTypeForm(StyledFormMixin, forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=50)
    category = forms.ChoiceField(label=_("类别"), choices=MeasureCategory.choices)
    unit = forms.CharField(label=_("计量单位"), max_length=10, initial="元")
    is_cash = forms.BooleanField(label=_("资金类（金额为元）"), required=False, initial=True)
    income_program = forms.ChoiceField(label=_("计入转移性收入项目"), required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from jingzhun.register.selectors import code_choices

        self.fields["income_program"].choices = [
            ("", _("不计入收入")),
            *code_choices("transfer_program", blank=None),
        ]


class CauseMeasureForm(forms.Form):
    measures = forms.ModelMultipleChoiceField(
        label=_("对应措施"),
        queryset=MeasureType.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GapFilterForm(StyledFormMixin, forms.Form):
    area = forms.CharField(label=_("区域代码"), max_length=15, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100, required=False)
    basis = forms.ChoiceField(
        label=_("措施口径"),
        required=False,
        choices=[("any", _("已计划或已落实")), ("delivered", _("仅已落实"))],
    )
