"""Change-request pages: the typed forms, a request's before/after, the township queue, my requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can, user_paths

from .changes import change_approve, change_reject, change_submit, change_withdraw, payload_for
from .choices import ADD_REASONS, REMOVE_REASONS, ChangeKind, ChangeStatus, MemberStatus
from .forms_changes import FORMS, QueueFilterForm, ReviewForm, relation_names
from .models import ChangeRequest, Household, Member

PAGE_SIZE = 30


def _need_view(request) -> None:
    if user_paths(request.user, "register.view") == []:
        raise PermissionDenied(_("您没有查看农户档案的权限。"))


def _household_or_404(request, pk) -> Household:
    qs = Household.objects.for_user(request.user, "view").select_related("area")
    return get_object_or_404(qs, pk=pk)


def _request_or_404(request, pk) -> ChangeRequest:
    qs = ChangeRequest.objects.for_user(request.user, "view").select_related(
        "household__area", "submitted_by", "reviewed_by"
    )
    return get_object_or_404(qs, pk=pk)


def household_link(household_pk) -> str | None:
    """The household page, once the household pages are installed."""
    try:
        return reverse("register:household-detail", args=[household_pk])
    except NoReverseMatch:
        return None


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@access("scoped")
@login_required
def change_new(request, household_pk, kind):
    if kind not in FORMS:
        raise Http404(_("变更类型不存在。"))
    household = _household_or_404(request, household_pk)
    if not user_can(request.user, "register.change", household.area):
        raise PermissionDenied(_("您没有提交变更申请的权限。"))
    form = FORMS[kind](request.POST or None, household=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            change = change_submit(
                actor=request.user,
                household=household,
                kind=kind,
                payload=form.payload(),
                reason=form.cleaned_data["reason"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request, _("“%(kind)s”申请已提交，等待乡镇审核。") % {"kind": change.get_kind_display()}
            )
            return redirect("register:change-detail", pk=change.pk)
    context = {
        "household": household,
        "household_link": household_link(household.pk),
        "kind": kind,
        "kind_label": ChangeKind(kind).label,
        "kinds": ChangeKind.choices,
        "form": form,
    }
    return render(request, "register/change_form.html", context)


def _summaries(items, names) -> list[dict]:
    out = []
    for s in items or []:
        members = [
            m
            | {
                "relation_name": names.get(m["relation"], m["relation"]),
                "status_name": MemberStatus(m["status"]).label,
            }
            for m in s.get("members", [])
        ]
        out.append(s | {"members": members, "link": household_link(s["id"])})
    return out


def _comparison(change: ChangeRequest, names) -> list[dict]:
    """Pairs of (before, after) household summaries, one pair per household the change touches."""
    source = change.result if change.status == ChangeStatus.APPLIED and change.result else None
    source = source or change.payload.get("preview") or {}
    before = {s["id"]: s for s in _summaries(source.get("before"), names)}
    after = _summaries(source.get("after"), names)
    pairs = [{"before": before.pop(a["id"], None), "after": a} for a in after]
    pairs += [{"before": b, "after": None} for b in before.values()]
    for pair in pairs:
        old = {m["id"]: m for m in (pair["before"] or {}).get("members", [])}
        for m in (pair["after"] or {}).get("members", []):
            prior = old.get(m["id"])
            keys = ("name", "relation", "status")
            m["changed"] = prior is None or [prior[k] for k in keys] != [m[k] for k in keys]
    return pairs


def _details(change: ChangeRequest, payload: dict, names) -> list[tuple[str, str]]:
    """The request's content as label/value lines."""
    p, kind = payload, change.kind
    rows: list[tuple[str, str]] = []
    if kind == ChangeKind.ADD_MEMBER:
        m = p.get("member", {})
        rows += [
            (_("新增原因"), str(ADD_REASONS.get(p.get("reason"), p.get("reason")))),
            (_("入户日期"), p.get("date", "")),
            (_("姓名"), m.get("name", "")),
            (_("身份证号"), m.get("id_number", "")),
            (_("出生日期"), m.get("birth_date") or ""),
            (_("与户主关系"), names.get(m.get("relation"), m.get("relation", ""))),
        ]
    elif kind == ChangeKind.REMOVE_MEMBER:
        rows += [
            (_("成员"), f"{p.get('member_name', '')}（{p.get('member_no', '')}）"),
            (_("减少原因"), str(REMOVE_REASONS.get(p.get("reason"), p.get("reason")))),
            (_("离户日期"), p.get("date", "")),
        ]
    elif kind == ChangeKind.TRANSFER_MEMBER:
        rows += [
            (_("成员"), f"{p.get('member_name', '')}（{p.get('member_no', '')}）"),
            (_("转入农户"), p.get("target_no", "")),
            (_("在转入户中与户主关系"), names.get(p.get("relation"), "")),
            (_("转移日期"), p.get("date", "")),
        ]
    elif kind == ChangeKind.SPLIT:
        rows += [
            (_("分出成员"), "、".join(p.get("member_names", []))),
            (_("新户户主"), p.get("head_name", "")),
            (_("新户所在村/组"), p.get("area_name", "")),
            (_("分户日期"), p.get("date", "")),
        ]
    elif kind == ChangeKind.MERGE:
        rows += [
            (_("并入农户"), p.get("target_no", "")),
            (_("并入成员"), "、".join(p.get("member_names", []))),
            (_("合户日期"), p.get("date", "")),
        ]
    elif kind == ChangeKind.CHANGE_HEAD:
        rows += [
            (_("新户主"), p.get("new_head_name", "")),
            (_("原户主"), p.get("old_head_name", "")),
            (_("原户主改为"), names.get(p.get("old_head_relation"), "")),
        ]
    elif kind == ChangeKind.MOVE_HOUSEHOLD:
        rows += [(_("原村/组"), p.get("from_area_name", "")), (_("迁入村/组"), p.get("area_name", ""))]
    if p.get("override_reason"):
        rows.append((_("预警说明"), p["override_reason"]))
    return rows


def _corrections(payload: dict) -> list[dict]:
    from .models import Household as H

    rows = []
    for field, change in (payload.get("household") or {}).items():
        rows.append({"who": _("本户"), "label": H._meta.get_field(field).verbose_name, **change})
    for _pk, item in (payload.get("members") or {}).items():
        for field, change in (item.get("fields") or {}).items():
            rows.append(
                {"who": item.get("name", ""), "label": Member._meta.get_field(field).verbose_name, **change}
            )
    return rows


def _detail_context(request, change: ChangeRequest, review_form=None) -> dict:
    user = request.user
    names = relation_names()
    payload = payload_for(user, change)
    pending = change.status == ChangeStatus.PENDING
    return {
        "change": change,
        "household_link": household_link(change.household_id),
        "details": _details(change, payload, names),
        "corrections": _corrections(payload) if change.kind == ChangeKind.CORRECT_INFO else [],
        "pairs": _comparison(change, names),
        "preview_message": (change.result or {}).get("message")
        or (change.payload.get("preview") or {}).get("message"),
        "can_review": pending
        and user_can(user, "register.review", change.household.area)
        and change.submitted_by_id != user.pk,
        "can_withdraw": pending and change.submitted_by_id == user.pk,
        "review_form": review_form or ReviewForm(),
    }


@access("scoped")
@login_required
def change_detail(request, pk):
    change = _request_or_404(request, pk)
    return render(request, "register/change_detail.html", _detail_context(request, change))


def _review(request, pk, service, done: str):
    change = _request_or_404(request, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        service(actor=request.user, request=change, comment=form.cleaned_data.get("comment", ""))
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        form.add_error("comment" if exc.field == "comment" else None, exc.message)
        change.refresh_from_db()
        return render(
            request, "register/change_detail.html", _detail_context(request, change, form), status=400
        )
    messages.success(request, done)
    return redirect(_next_url(request, reverse("register:change-detail", args=[change.pk])))


@access("scoped")
@login_required
@require_POST
def change_approve_view(request, pk):
    return _review(request, pk, change_approve, _("已审核通过，变更已生效。"))


@access("scoped")
@login_required
@require_POST
def change_reject_view(request, pk):
    return _review(request, pk, change_reject, _("已驳回该申请。"))


@access("scoped")
@login_required
@require_POST
def change_withdraw_view(request, pk):
    change = _request_or_404(request, pk)
    try:
        change_withdraw(actor=request.user, request=change)
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("register:change-detail", pk=change.pk)


def _filtered(request, qs, default_status: str):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = default_status
    form = QueueFilterForm(params, user=request.user)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("village"):
        qs = qs.filter(area_path__startswith=data["village"])
    counts_qs = qs
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    return form, qs, counts_qs


def _page(request, qs):
    page = Paginator(qs.select_related("household__area", "submitted_by"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for row in page:
        row.household_link = household_link(row.household_id)
        row.can_review = (
            row.status == ChangeStatus.PENDING
            and row.submitted_by_id != request.user.pk
            and user_can(request.user, "register.review", row.household.area)
        )
    return page


@access("scoped")
@login_required
def change_queue(request):
    """The township's review queue: requests in the user's area, pending first by default."""
    _need_view(request)
    base = ChangeRequest.objects.for_user(request.user, "view")
    form, qs, counts_qs = _filtered(request, base, ChangeStatus.PENDING)
    labels = dict(ChangeKind.choices)
    counts = [
        {"kind": row["kind"], "label": labels.get(row["kind"], row["kind"]), "n": row["n"]}
        for row in counts_qs.order_by().values("kind").annotate(n=Count("id")).order_by("kind")
    ]
    context = {
        "form": form,
        "page": _page(request, qs.order_by("created_at") if form.data.get("status") == "pending" else qs),
        "counts": counts,
        "total": sum(c["n"] for c in counts),
        "can_review_any": user_paths(request.user, "register.review") != [],
    }
    return render(request, "register/change_queue.html", context)


@access("scoped")
@login_required
def change_mine(request):
    """Requests the user submitted (still in its area)."""
    _need_view(request)
    base = ChangeRequest.objects.for_user(request.user, "view").filter(submitted_by=request.user)
    form, qs, _counts = _filtered(request, base, "")
    return render(request, "register/change_mine.html", {"form": form, "page": _page(request, qs)})
