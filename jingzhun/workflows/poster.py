"""The A4 poster of a notice: its public address and the QR code pointing to it (inline SVG, no network)."""

from __future__ import annotations

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from qrcode.image.svg import SvgPathImage

NATIONAL_HOTLINE = "12317"


def public_url(notice, request=None) -> str:
    """The notice's page on the public portal: JINGZHUN_PUBLIC_BASE_URL when set (the address people can
    reach from outside), else the address the request came in on."""
    path = reverse("public:notice", args=[notice.public_id])
    base = (getattr(settings, "JINGZHUN_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg(data: str, *, size_mm: int = 40) -> SafeString:
    """An inline ``<svg>`` QR code of ``data`` (error correction M), ``size_mm`` wide when printed."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    svg = qr.make_image(image_factory=SvgPathImage).to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    head, rest = svg.split(">", 1)
    # Fixed printed size; the viewBox keeps the modules square.
    head = head.replace("<svg ", f'<svg class="jz-qr" role="img" aria-label="QR" data-qr="{_attr(data)}" ', 1)
    for attr in ("width", "height"):
        start = head.find(f' {attr}="')
        if start != -1:
            end = head.find('"', start + len(attr) + 3)
            head = head[:start] + f' {attr}="{size_mm}mm"' + head[end + 1 :]
    return mark_safe(head + ">" + rest)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def phone_lines(phones: str) -> list[str]:
    """The notice's complaint phones, always including the national hotline 12317."""
    parts = [p.strip() for p in (phones or "").replace("，", ",").replace("、", ",").split(",")]
    parts = [p for p in parts if p]
    if not any(NATIONAL_HOTLINE in p for p in parts):
        parts.append(NATIONAL_HOTLINE)
    return parts
