"""Work report pages: generate, preview (each figure links to its drill-down), download; the Word
template per county (download, upload, versions) and the editable text blocks."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can, user_paths

from . import docx, preview, selectors, services
from .choices import MANAGE, VIEW, BlockKey
from .forms import ReportForm, TemplateUploadForm, TextBlocksForm
from .models import ReportTemplate
from .wording import DEFAULT_BLOCKS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _need(request, capability: str = VIEW) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def _area_choices(user) -> list[tuple[str, str]]:
    top = selectors.area_or_404(user, None)
    areas = [top]
    kids = list(Area.objects.filter(parent=top, level__in=["township", "village"]).order_by("code"))
    areas += kids
    if top.level != "township" and len(kids) <= 40:
        areas += list(Area.objects.filter(parent__in=kids, level="village").order_by("code"))
    depth = {6: 0, 9: 1, 12: 2}
    base = depth.get(len(top.path), 0)
    return [(a.code, "　" * (depth.get(len(a.path), 0) - base) + a.name) for a in areas]


@access("scoped")
@login_required
def report_list(request):
    _need(request)
    page = Paginator(selectors.reports_for(request.user).select_related("area", "created_by"), 30)
    return render(request, "reports/report_list.html", {"page_obj": page.get_page(request.GET.get("page"))})


@access("scoped")
@login_required
def report_new(request):
    _need(request)
    choices = _area_choices(request.user)
    initial = {"area": request.GET.get("area") or choices[0][0]}
    form = ReportForm(request.POST or None, areas=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            area = selectors.area_or_404(request.user, d["area"])
            period = services.period_from(d["period"], d["year"], d["start"], d["end"])
            report = services.report_generate(
                actor=request.user, area=area, period=period, issuer=d["issuer"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("汇报材料已生成，用时 %(s)s 秒。") % {"s": report.seconds})
            return redirect("reports:report-detail", pk=report.pk)
    return render(request, "reports/report_new.html", {"form": form})


@access("scoped")
@login_required
def report_detail(request, pk):
    _need(request)
    report = get_object_or_404(
        selectors.reports_for(request.user).select_related("area", "created_by"), pk=pk
    )
    return render(
        request,
        "reports/report_detail.html",
        {"report": report, "sections": preview.sections(report.content), "content": report.content},
    )


@access("scoped")
@login_required
def report_download(request, pk):
    _need(request)
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=f"{report.title}.docx", content_type=DOCX
    )


def _docx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@access("scoped")
@login_required
def template_page(request):
    _need(request, MANAGE)
    area = services.county_of(selectors.area_or_404(request.user, request.GET.get("area"), MANAGE))
    if not user_can(request.user, MANAGE, area):
        raise PermissionDenied(_("模板按县管理，需要县级的维护权限。"))
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            tpl = services.template_upload(actor=request.user, area=area, data=upload.read(), name=upload.name,
                                           note=form.cleaned_data["note"])  # fmt: skip
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("模板第 %(v)s 版已上传并启用。") % {"v": tpl.version})
            return redirect(f"{request.path}?area={area.code}")
    versions = (
        ReportTemplate.objects.for_user(request.user, "manage")
        .filter(area=area)
        .select_related("uploaded_by")
    )
    return render(request, "reports/templates.html", {"area": area, "form": form, "versions": versions})


@access("scoped")
@login_required
def template_download(request):
    """The default template (``?default=1``), a version (``?version=pk``) or the county's active one."""
    _need(request)
    if request.GET.get("version"):
        tpl = get_object_or_404(
            ReportTemplate.objects.for_user(request.user, "view"), pk=request.GET["version"]
        )
        with tpl.file.open("rb") as fh:
            return _docx_response(fh.read(), f"汇报材料模板-{tpl.area.name}-第{tpl.version}版.docx")
    if request.GET.get("default"):
        return _docx_response(docx.default_template(), "汇报材料默认模板.docx")
    area = selectors.area_or_404(request.user, request.GET.get("area"))
    data, tpl = services.template_bytes(area)
    return _docx_response(data, "汇报材料模板.docx")


@access("scoped")
@login_required
@require_POST
def template_action(request, pk, action):
    _need(request, MANAGE)
    tpl = get_object_or_404(ReportTemplate.objects.for_user(request.user, "manage"), pk=pk)
    try:
        if action == "activate":
            services.template_activate(actor=request.user, template=tpl)
        elif action == "reset":
            services.template_reset(actor=request.user, area=tpl.area)
        else:
            raise DomainError(_("不支持的操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"/reports/templates/?area={tpl.area.code}")


@access("scoped")
@login_required
def text_blocks(request):
    _need(request, MANAGE)
    area = selectors.area_or_404(request.user, request.GET.get("area"), MANAGE)
    own = {b.key: b.body for b in selectors.text_blocks_of(request.user, area)}
    form = TextBlocksForm(request.POST or None, initial=own)
    if request.method == "POST" and form.is_valid():
        try:
            for key in BlockKey.values:
                if form.cleaned_data[key].strip() != own.get(key, "").strip():
                    services.text_block_save(
                        actor=request.user, area=area, key=key, body=form.cleaned_data[key]
                    )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("文字段落已保存。"))
            return redirect(f"{request.path}?area={area.code}")
    return render(
        request,
        "reports/text_blocks.html",
        {"area": area, "form": form, "defaults": DEFAULT_BLOCKS, "areas": _area_choices(request.user)},
    )
