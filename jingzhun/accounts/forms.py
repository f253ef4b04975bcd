from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .models import Capability, Role, phone_validator


class LoginForm(StyledFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续输错 5 次将被暂时锁定 30 分钟。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class AreaCodeField(forms.CharField):
    """An area chosen by its code; the view resolves it through the user's scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 15)
        kwargs.setdefault("help_text", _("输入区划代码或名称查找"))
        super().__init__(**kwargs)


class UserCreateForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, validators=[phone_validator])
    unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    area = AreaCodeField(label=_("归属区域"))
    role = forms.ModelChoiceField(label=_("角色"), queryset=Role.objects.none(), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=8)

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles if roles is not None else Role.objects.none()


class UserEditForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, validators=[phone_validator])
    unit = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    area = AreaCodeField(label=_("归属区域"))
    is_active = forms.BooleanField(label=_("启用"), required=False)


class AssignmentForm(StyledFormMixin, forms.Form):
    role = forms.ModelChoiceField(label=_("角色"), queryset=Role.objects.none())
    area = AreaCodeField(label=_("区域"))

    def __init__(self, *args, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = roles if roles is not None else Role.objects.none()


class PasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, min_length=8)
    password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class RoleCapabilitiesForm(forms.Form):
    capabilities = forms.ModelMultipleChoiceField(
        label=_("权限"),
        queryset=Capability.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        to_field_name="code",
    )
