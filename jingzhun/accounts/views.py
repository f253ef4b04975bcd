"""Login, profile and user management pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can

from . import selectors, services
from .forms import AssignmentForm, LoginForm, PasswordForm, RoleCapabilitiesForm, UserCreateForm, UserEditForm
from .models import Capability, Role, RoleAssignment


class LoginView(auth_views.LoginView):
    access = "public"
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    access = "public"


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout (AXES_LOCKOUT_CALLABLE): the API answers in its JSON error format, pages
    with the lockout page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": [_("登录失败次数过多，账号已被暂时锁定，请 30 分钟后再试。")]}, status=429
        )
    return render(request, "accounts/locked_out.html", status=429)


def _need(request, capability):
    if not user_can(request.user, capability):
        raise PermissionDenied(_("您没有此操作的权限。"))


def _resolve_area(request, form, field="area", capability="accounts.manage"):
    """Turn a typed area code into an Area inside the user's scope, or a form error."""
    code = (form.cleaned_data.get(field) or "").strip()
    area = Area.objects.for_user(request.user).filter(code=code).first()
    if area is None:
        form.add_error(field, _("区划代码不存在或不在您的管理范围内。"))
        return None
    if not user_can(request.user, capability, area):
        form.add_error(field, _("您无权管理该区域的用户。"))
        return None
    return area


@access("scoped")
@login_required
def profile(request):
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=request.user, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("accounts:profile")
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token": token,
            "assignments": request.user.assignments.select_related("role", "area"),
        },
    )


@access("scoped")
@login_required
@require_POST
def token_regenerate(request):
    token = services.token_regenerate(actor=request.user)
    messages.success(
        request, _("已生成新的 API 令牌：%(token)s（请妥善保存，旧令牌已失效）") % {"token": token.key}
    )
    return redirect("accounts:profile")


@access("scoped")
@login_required
def user_list(request):
    _need(request, "accounts.view")
    term = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    page = Paginator(selectors.user_search(request.user, term, role), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": term,
            "role": role,
            "roles": Role.objects.all(),
            "can_manage": user_can(request.user, "accounts.manage"),
        },
    )


def _visible_user(request, pk):
    return get_object_or_404(selectors.visible_users(request.user), pk=pk)


@access("scoped")
@login_required
def user_detail(request, pk):
    _need(request, "accounts.view")
    target = _visible_user(request, pk)
    form = AssignmentForm(roles=selectors.grantable_roles(request.user))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": selectors.assignments_of(request.user, target),
            "form": form,
            "can_manage": user_can(request.user, "accounts.manage"),
            "can_reveal": target.area is not None
            and user_can(request.user, "core.reveal_sensitive", target.area),
        },
    )


@access("scoped")
@login_required
def user_create(request):
    _need(request, "accounts.manage")
    form = UserCreateForm(request.POST or None, roles=selectors.grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        area = _resolve_area(request, form)
        if area is not None:
            data = form.cleaned_data
            role = data.get("role")
            try:
                user = services.user_create(
                    actor=request.user,
                    username=data["username"],
                    password=data["password"],
                    full_name=data["full_name"],
                    phone=data["phone"],
                    unit=data["unit"],
                    area=area,
                    assignments=[(role, area)] if role else [],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已创建用户 %(username)s。") % {"username": user.username})
                return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@access("scoped")
@login_required
def user_edit(request, pk):
    _need(request, "accounts.manage")
    target = _visible_user(request, pk)
    initial = {
        "full_name": target.full_name,
        "phone": target.phone,
        "unit": target.unit,
        "area": target.area.code if target.area else "",
        "is_active": target.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        area = _resolve_area(request, form)
        if area is not None:
            data = {**form.cleaned_data, "area": area}
            try:
                services.user_update(actor=request.user, user=target, **data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("accounts:user-detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@access("scoped")
@login_required
def user_password(request, pk):
    _need(request, "accounts.manage")
    target = _visible_user(request, pk)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("密码已重置。"))
            return redirect("accounts:user-detail", pk=target.pk)
    return render(request, "accounts/user_password.html", {"form": form, "target": target})


@access("scoped")
@login_required
@require_POST
def assignment_add(request, pk):
    _need(request, "accounts.manage")
    target = _visible_user(request, pk)
    form = AssignmentForm(request.POST, roles=selectors.grantable_roles(request.user))
    if form.is_valid():
        area = _resolve_area(request, form)
        if area is not None:
            try:
                services.assignment_add(
                    actor=request.user, user=target, role=form.cleaned_data["role"], area=area
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已分配角色。"))
                return redirect("accounts:user-detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "assignments": selectors.assignments_of(request.user, target),
            "form": form,
            "can_manage": True,
        },
        status=400,
    )


@access("scoped")
@login_required
@require_POST
def assignment_remove(request, pk, assignment_pk):
    _need(request, "accounts.manage")
    target = _visible_user(request, pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.for_user(request.user, "manage"), pk=assignment_pk, user=target
    )
    try:
        services.assignment_remove(actor=request.user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除角色。"))
    return redirect("accounts:user-detail", pk=target.pk)


@access("scoped")
@login_required
def user_autocomplete(request):
    _need(request, "accounts.view")
    term = request.GET.get("q", "").strip()
    users = selectors.user_search(request.user, term)[:20] if term else []
    return JsonResponse(
        {"results": [{"id": u.pk, "username": u.username, "label": f"{u}（{u.username}）"} for u in users]}
    )


@access("scoped")
@login_required
def role_list(request):
    _need(request, "accounts.view")
    roles = Role.objects.prefetch_related("capabilities")
    return render(
        request,
        "accounts/role_list.html",
        {
            "roles": roles,
            "capabilities": Capability.objects.all(),
            "can_edit": user_can(request.user, "accounts.roles"),
        },
    )


@access("scoped")
@login_required
def role_edit(request, code):
    _need(request, "accounts.roles")
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise Http404(_("角色不存在。"))
    form = RoleCapabilitiesForm(
        request.POST or None, initial={"capabilities": list(role.capabilities.values_list("code", flat=True))}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.role_set_capabilities(
                actor=request.user,
                role=role,
                capability_codes=[c.code for c in form.cleaned_data["capabilities"]],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("角色权限已保存。"))
            return redirect("accounts:role-list")
    return render(request, "accounts/role_edit.html", {"role": role, "form": form})


@access("scoped")
@login_required
@require_POST
def user_reveal_phone(request, pk):
    """htmx: swap the masked phone for the full number; the reveal is audited."""
    from django.http import HttpResponse
    from django.utils.html import escape

    from jingzhun.core.sensitive import reveal

    target = _visible_user(request, pk)
    value = reveal(actor=request.user, obj=target, field="phone", area=target.area)
    return HttpResponse(f'<span data-testid="phone-full">{escape(value) or "-"}</span>')
