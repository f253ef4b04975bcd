"""Notice pages for officials: list, publish a list, detail (posting photo, objections, answers, close),
the A4 poster with its QR code, and the posting photos. Reads go through ``for_user``; writes through
notices.py."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_can, user_paths

from . import notices, poster
from .choices import NoticeStatus, ObjectionStatus, ProcedureKind, ProcedureStatus, StepAction
from .evidence import IMAGE_EXTENSIONS
from .forms_notices import (
    EvidenceForm,
    NoticeCloseForm,
    NoticeFilterForm,
    NoticePublishForm,
    ObjectionAnswerForm,
    ObjectionRecordForm,
    publish_initial,
)
from .models import Evidence, Notice, NoticeEntry, Objection, Procedure

PAGE_SIZE = 30
# Procedures are grouped for publishing by the area of the level that publishes (path lengths).
LEVEL_PATH = {"village": 12, "township": 9, "county": 6}


def _need_view(request) -> None:
    if user_paths(request.user, "workflows.view") == []:
        raise PermissionDenied(_("您没有查看公示公告的权限。"))


def _notice_or_404(request, pk) -> Notice:
    qs = Notice.objects.for_user(request.user, "view").select_related("step__template", "area")
    return get_object_or_404(qs, pk=pk)


def _days_left(notice: Notice, today: datetime.date) -> int | None:
    if notice.status != NoticeStatus.PUBLISHED:
        return None
    return (notice.end_date - today).days + 1 if today <= notice.end_date else 0


def filter_notices(qs, data: dict, user):
    today = timezone.localdate()
    for key in ("status", "kind", "procedure_kind"):
        if data.get(key):
            qs = qs.filter(**{key: data[key]})
    if data.get("period") == "current":
        qs = qs.filter(status=NoticeStatus.PUBLISHED, end_date__gte=today)
    elif data.get("period") == "ended":
        qs = qs.filter(Q(end_date__lt=today) | Q(status=NoticeStatus.CLOSED))
    if data.get("area"):
        area = Area.objects.for_user(user, "view").filter(code=data["area"]).first()
        path = area.path if area else data["area"]
        qs = qs.filter(Q(area_path__startswith=path) | Q(area_path__in=_ancestor_paths(path)))
    if data.get("q"):
        term = data["q"]
        qs = qs.filter(Q(title__icontains=term) | Q(entries__head_name__icontains=term)).distinct()
    return qs


def _ancestor_paths(path: str) -> list[str]:
    return [path[:n] for n in (6, 9, 12) if n < len(path)]


@access("scoped")
@login_required
def notice_list(request):
    _need_view(request)
    form = NoticeFilterForm(request.GET or None)
    qs = Notice.objects.for_user(request.user, "view").select_related("area", "step")
    if form.is_valid():
        qs = filter_notices(qs, form.cleaned_data, request.user)
    elif form.is_bound:
        qs = qs.none()
    qs = qs.annotate(
        n_entries=Count("entries", filter=Q(entries__withdrawn=False), distinct=True),
        n_open=Count("objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True),
    ).order_by("-start_date", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for n in page:
        n.days_left = _days_left(n, today)
    context = {
        "form": form,
        "page": page,
        "waiting": waiting_groups(request.user),
        "today": today,
    }
    return render(request, "workflows/notice_list.html", context)


def waiting_groups(user) -> list[dict]:
    """Lists ready to publish: (kind, notice step, area) with how many households wait there, for the steps
    the user may act on."""
    listed = NoticeEntry.objects.filter(notice__status=NoticeStatus.PUBLISHED, withdrawn=False).values(
        "procedure_id"
    )
    rows = (
        Procedure.objects.for_user(user, "view")
        .filter(status=ProcedureStatus.RUNNING, current_step__action=StepAction.NOTICE)
        .exclude(pk__in=listed)
        .values(
            "kind",
            "area_path",
            "current_step__code",
            "current_step__name",
            "current_step__level",
            "current_step__capability",
        )
        .annotate(n=Count("id"))
    )
    groups: dict[tuple, dict] = {}
    for r in rows:
        path = r["area_path"][: LEVEL_PATH.get(r["current_step__level"], 12)]
        key = (r["kind"], r["current_step__code"], path)
        g = groups.setdefault(
            key,
            {
                "kind": r["kind"],
                "kind_label": ProcedureKind(r["kind"]).label,
                "step": r["current_step__code"],
                "step_name": r["current_step__name"],
                "capability": r["current_step__capability"],
                "path": path,
                "n": 0,
            },
        )
        g["n"] += r["n"]
    areas = {a.path: a for a in Area.objects.filter(path__in={g["path"] for g in groups.values()})}
    out = []
    for g in groups.values():
        area = areas.get(g["path"])
        if area is None or not user_can(user, g["capability"], area):
            continue
        g["area"] = area
        g["url"] = (
            reverse("workflows:notice-publish") + f"?kind={g['kind']}&step={g['step']}&area={area.code}"
        )
        out.append(g)
    return sorted(out, key=lambda g: (g["path"], g["kind"], g["step"]))


def _waiting(user, kind: str, step: str, area: Area):
    listed = NoticeEntry.objects.filter(notice__status=NoticeStatus.PUBLISHED, withdrawn=False).values(
        "procedure_id"
    )
    return (
        Procedure.objects.for_user(user, "view")
        .filter(
            kind=kind,
            status=ProcedureStatus.RUNNING,
            current_step__code=step,
            current_step__action=StepAction.NOTICE,
            area_path__startswith=area.path,
        )
        .exclude(pk__in=listed)
        .select_related("household", "current_step__template", "area")
        .order_by("area_path", "household__household_no")
    )


@access("scoped")
@login_required
def notice_publish(request):
    _need_view(request)
    kind = request.GET.get("kind", "")
    step_code = request.GET.get("step", "")
    area_code = request.GET.get("area", "")
    area = Area.objects.for_user(request.user, "view").filter(code=area_code).first() if area_code else None
    if not (kind and step_code and area):
        return render(
            request,
            "workflows/notice_publish.html",
            {"choose": True, "waiting": waiting_groups(request.user)},
        )
    qs = _waiting(request.user, kind, step_code, area)
    first = qs.first()
    step = first.current_step if first else None
    may_act = step is not None and user_can(request.user, step.capability, area)
    form = None
    if may_act:
        form = NoticePublishForm(
            request.POST or None,
            queryset=qs,
            initial={**publish_initial(area, step, first.year), "procedures": list(qs)},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                notice = notices.notice_publish(
                    actor=request.user,
                    procedures=list(data["procedures"]),
                    title=data["title"],
                    start_date=data["start_date"],
                    place=data["place"],
                    issuing_unit=data["issuing_unit"],
                    phones=data["phones"],
                    body=data["body"],
                )
            except AccessDenied as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("已发布“%(title)s”，共 %(n)s 户。请张贴后上传照片。")
                    % {"title": notice.title, "n": notice.entries.count()},
                )
                return redirect("workflows:notice-detail", pk=notice.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("您无权发布该公示。"))
    rows = list(qs)
    chosen = (
        {str(p.pk) for p in rows} if request.method != "POST" else set(request.POST.getlist("procedures"))
    )
    for p in rows:
        p.checked = str(p.pk) in chosen
    context = {
        "rows": rows,
        "choose": False,
        "area": area,
        "step": step,
        "kind_label": ProcedureKind(kind).label if kind in ProcedureKind.values else kind,
        "procedures": qs,
        "may_act": may_act,
        "form": form,
    }
    return render(request, "workflows/notice_publish.html", context)


def _procedure_link(pk) -> str | None:
    try:
        return reverse("workflows:procedure-detail", args=[pk])
    except NoReverseMatch:
        return None


def _detail_context(request, notice: Notice, *, record_form=None, evidence_form=None, answer_forms=None):
    user = request.user
    today = timezone.localdate()
    may_act = user_can(user, notice.step.capability, notice.area)
    published = notice.status == NoticeStatus.PUBLISHED
    objections = list(
        Objection.objects.for_user(user, "view")
        .filter(notice=notice)
        .select_related("entry", "recorded_by", "answered_by")
        .prefetch_related("evidence")
        .order_by("created_at")
    )
    answer_forms = answer_forms or {}
    for o in objections:
        o.phone_display = o.submitter_phone if may_act else mask_phone(o.submitter_phone)
        if may_act and o.status == ObjectionStatus.OPEN:
            o.answer_form = answer_forms.get(o.pk) or ObjectionAnswerForm(prefix=f"o{o.pk}")
    entries = list(notice.entries.order_by("seq"))
    evidence = list(Evidence.objects.for_user(user, "view").filter(notice=notice))
    for e in evidence:
        e.is_image = e.original_name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS
    for e in entries:
        e.link = _procedure_link(e.procedure_id)
    return {
        "notice": notice,
        "entries": entries,
        "objections": objections,
        "open_count": sum(1 for o in objections if o.status == ObjectionStatus.OPEN),
        "evidence": evidence,
        "days_left": _days_left(notice, today),
        "may_act": may_act,
        "published": published,
        "blockers": notices.close_blockers(notice, today) if published else [],
        "record_form": record_form or (ObjectionRecordForm(notice=notice) if may_act and published else None),
        "evidence_form": evidence_form or (EvidenceForm() if may_act and published else None),
        "close_form": NoticeCloseForm() if may_act and published else None,
        "public_url": poster.public_url(notice, request),
        "public_visible": notice.status != NoticeStatus.WITHDRAWN,
    }


@access("scoped")
@login_required
def notice_detail(request, pk):
    _need_view(request)
    notice = _notice_or_404(request, pk)
    return render(request, "workflows/notice_detail.html", _detail_context(request, notice))


def _acting(request, pk) -> Notice:
    _need_view(request)
    notice = _notice_or_404(request, pk)
    if not user_can(request.user, notice.step.capability, notice.area):
        raise PermissionDenied(_("您无权办理该公示。"))
    return notice


def _invalid(request, notice, **forms):
    messages.error(request, _("提交未成功，请检查下面标红的内容。"))
    return render(
        request, "workflows/notice_detail.html", _detail_context(request, notice, **forms), status=400
    )


@access("scoped")
@login_required
@require_POST
def notice_evidence(request, pk):
    notice = _acting(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            notices.notice_add_evidence(
                actor=request.user,
                notice=notice,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("张贴照片已上传。"))
            return redirect("workflows:notice-detail", pk=notice.pk)
    return _invalid(request, notice, evidence_form=form)


@access("scoped")
@login_required
@require_POST
def objection_record(request, pk):
    notice = _acting(request, pk)
    form = ObjectionRecordForm(request.POST, notice=notice)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notices.objection_record(
                actor=request.user,
                notice=notice,
                content=data["content"],
                entry=form.entry_object(),
                channel=data["channel"],
                submitter_name=data["submitter_name"],
                submitter_phone=data["submitter_phone"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("异议已登记，请核实后答复。"))
            return redirect(reverse("workflows:notice-detail", args=[notice.pk]) + "#objections")
    return _invalid(request, notice, record_form=form)


@access("scoped")
@login_required
@require_POST
def objection_answer(request, pk, objection_pk):
    notice = _acting(request, pk)
    objection = get_object_or_404(
        Objection.objects.for_user(request.user, "view").filter(notice=notice), pk=objection_pk
    )
    form = ObjectionAnswerForm(request.POST, request.FILES, prefix=f"o{objection.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            notices.objection_answer(
                actor=request.user,
                objection=objection,
                outcome=data["outcome"],
                answer=data["answer"],
                upload=data.get("file"),
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            if exc.field == "files":
                form.add_error("file", exc.message)
            else:
                add_to_form(form, exc)
        else:
            messages.success(request, _("异议已答复。"))
            return redirect(reverse("workflows:notice-detail", args=[notice.pk]) + "#objections")
    return _invalid(request, notice, answer_forms={objection.pk: form})


@access("scoped")
@login_required
@require_POST
def notice_close(request, pk):
    notice = _acting(request, pk)
    form = NoticeCloseForm(request.POST)
    if form.is_valid():
        try:
            passed = notices.notice_close(
                actor=request.user, notice=notice, comment=form.cleaned_data["comment"]
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("公示已结束，%(n)s 户通过本环节。") % {"n": len(passed)})
    return redirect("workflows:notice-detail", pk=notice.pk)


@access("scoped")
@login_required
def notice_poster(request, pk):
    """The A4 poster: title, issuing unit, period, the list (masked IDs), phones and a QR code."""
    _need_view(request)
    notice = _notice_or_404(request, pk)
    if notice.status == NoticeStatus.WITHDRAWN:
        raise Http404(_("该公示已撤回。"))
    url = poster.public_url(notice, request)
    context = {
        "notice": notice,
        "entries": notice.entries.filter(withdrawn=False).order_by("seq"),
        "phones": poster.phone_lines(notice.phones),
        "qr": poster.qr_svg(url),
        "public_url": url,
        "period_days": (notice.end_date - notice.start_date).days + 1,
    }
    return render(request, "workflows/notice_poster.html", context)


@access("scoped")
@login_required
def notice_evidence_file(request, pk, evidence_pk):
    """A posting photo or an objection's material, to users who may see the notice."""
    _need_view(request)
    notice = _notice_or_404(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.for_user(request.user, "view").filter(
            Q(notice=notice) | Q(objection__notice=notice)
        ),
        pk=evidence_pk,
    )
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("文件不存在。")) from exc
    ext = evidence.original_name.rsplit(".", 1)[-1].lower()
    return FileResponse(handle, as_attachment=ext not in IMAGE_EXTENSIONS, filename=evidence.original_name)
