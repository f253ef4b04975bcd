"""Evidence files (影像留痕): photos, signed forms, minutes. Checked by content, stored outside static, served
only through a scoped view."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError

from .choices import EvidenceKind
from .models import Evidence

MAX_BYTES = 10 * 1024 * 1024
# extension → magic prefixes (office files are zip containers)
ALLOWED = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp"}


def check_upload(upload) -> str:
    """Refuse anything that is not a photo, PDF or Office file of at most 10 MB; returns the extension."""
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise DomainError(
            _("文件“%(name)s”类型不支持，请上传照片（jpg/png）、PDF 或 Word/Excel 文件。") % {"name": name},
            field="files",
        )
    if upload.size > MAX_BYTES:
        raise DomainError(_("文件“%(name)s”超过 10 MB。") % {"name": name}, field="files")
    if upload.size == 0:
        raise DomainError(_("文件“%(name)s”是空文件。") % {"name": name}, field="files")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED[ext]):
        raise DomainError(_("文件“%(name)s”的内容与扩展名不符。") % {"name": name}, field="files")
    return ext


def evidence_attach(*, actor, upload, kind: str, area_path: str, description: str = "", **target) -> Evidence:
    """Store one file against a step record, batch sitting, notice or objection (called inside a service's
    transaction, which writes the audit event)."""
    check_upload(upload)
    if kind not in EvidenceKind.values:
        kind = EvidenceKind.OTHER
    evidence = Evidence(
        original_name=(getattr(upload, "name", "") or "file")[:200],
        kind=kind,
        description=(description or "")[:200],
        area_path=area_path,
        uploaded_by=actor,
        **target,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    return evidence
