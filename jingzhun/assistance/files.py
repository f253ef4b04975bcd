"""Checks for uploaded visit photos: size, count and real type (magic bytes, not the browser's claim).

Pillow is not a dependency, so images are recognised by their signatures; a file whose content does
not match an allowed type, or whose extension disagrees with its content, is refused.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
EXTENSIONS = {
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_photo(upload) -> str:
    """Return the content type of an acceptable upload, or raise DomainError on the ``photos`` field."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise DomainError(_("照片“%(name)s”是空文件。") % {"name": name}, field="photos")
    if size > MAX_PHOTO_BYTES:
        raise DomainError(
            _("照片“%(name)s”超过 %(max)s MB。") % {"name": name, "max": MAX_PHOTO_BYTES // (1024 * 1024)},
            field="photos",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise DomainError(
            _("文件“%(name)s”不是 JPG、PNG、WebP 图片或 PDF 文件。") % {"name": name}, field="photos"
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS[kind]:
        raise DomainError(_("文件“%(name)s”的扩展名与其内容不符。") % {"name": name}, field="photos")
    return kind


def check_photos(uploads) -> list[tuple[object, str]]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_PHOTOS:
        raise DomainError(_("每次走访最多上传 %(max)s 个文件。") % {"max": MAX_PHOTOS}, field="photos")
    return [(u, check_photo(u)) for u in uploads]
