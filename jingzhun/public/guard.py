"""Abuse resistance of the public forms, without CAPTCHA.

- a honeypot field that people never see (bots fill it);
- a signed timestamp issued with the form: a post is refused when it comes back faster than a person can
  type (< 3 s) or after the form went stale (> 2 h);
- rate limits per client IP (5 an hour) and per notice / village (30 a day), counted in Django's cache
  (alias ``JINGZHUN_PUBLIC_CACHE``, else "default") and, since a per-process cache does not see the other
  worker processes, checked against the stored rows as well;
- the same content from the same source within a day is refused (services.py).

Client identity is a keyed hash: the IP alone (for the per-IP limit) and the IP with the user agent (the
``source_key`` kept on objections and submissions); raw IPs are never stored by this app.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError
from jingzhun.core.middleware import client_ip

STAMP_SALT = "jingzhun.public.form-issued"
MIN_AGE_S = 3
MAX_AGE_S = 2 * 3600
PER_IP_PER_HOUR = 5
PER_TARGET_PER_DAY = 30
HONEYPOT = "website"


def _limits() -> dict:
    defaults = {
        "per_ip_hour": PER_IP_PER_HOUR,
        "per_target_day": PER_TARGET_PER_DAY,
        "min_age": MIN_AGE_S,
        "max_age": MAX_AGE_S,
    }
    return defaults | dict(getattr(settings, "JINGZHUN_PUBLIC_LIMITS", {}) or {})


def _cache():
    alias = getattr(settings, "JINGZHUN_PUBLIC_CACHE", "") or "default"
    return caches[alias if alias in settings.CACHES else "default"]


def _digest(value: str) -> str:
    key = (settings.SECRET_KEY + "|jingzhun.public").encode()
    return hmac.new(key, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Source:
    ip_hash: str  # 24 hex: the client IP
    key: str  # 48 hex: ip_hash + the IP with the user agent

    @classmethod
    def of(cls, request) -> Source:
        ip = client_ip(request) or "unknown"
        ua = request.META.get("HTTP_USER_AGENT", "")[:300]
        ip_hash = _digest(ip)[:24]
        return cls(ip_hash=ip_hash, key=ip_hash + _digest(ip + "|" + ua)[:24])


# --- form stamp ----------------------------------------------------------------------------------


def stamp_issue(now: float | None = None) -> str:
    """The hidden ``stamp`` value put into a freshly rendered form."""
    return signing.dumps({"t": round(now if now is not None else time.time(), 3)}, salt=STAMP_SALT)


def stamp_check(value: str, now: float | None = None) -> None:
    limits = _limits()
    try:
        issued = float(signing.loads(value or "", salt=STAMP_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(_("表单已失效，请刷新页面后重新填写。"), field=None, code="bad_stamp") from None
    age = (now if now is not None else time.time()) - issued
    if age < limits["min_age"]:
        raise DomainError(_("提交太快了，请确认内容后再提交。"), code="too_fast")
    if age > limits["max_age"]:
        raise DomainError(_("页面停留时间过长，表单已失效，请刷新页面后重新填写。"), code="stale")


def stamp_keep(posted: str) -> str:
    """The stamp to render again after a refused post: the posted one while it is valid and fresh (the
    time already spent on the form counts), else a new one."""
    try:
        issued = float(signing.loads(posted or "", salt=STAMP_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return stamp_issue()
    if time.time() - issued > _limits()["max_age"] - 60:
        return stamp_issue()
    return posted


def honeypot_check(value: str) -> None:
    if value:
        raise DomainError(_("提交未成功，请刷新页面后重试。"), code="honeypot")


# --- rate limits ---------------------------------------------------------------------------------


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def _keys(source: Source, target: str) -> list[tuple[str, int, int]]:
    limits = _limits()
    out = [(f"jzpub:ip:{source.ip_hash}:{_window(3600)}", limits["per_ip_hour"], 3600)]
    if target:
        out.append((f"jzpub:t:{target}:{_window(86400)}", limits["per_target_day"], 86400))
    return out


def rate_check(source: Source, target: str = "", *, stored_ip: int = 0, stored_target: int = 0) -> None:
    """Refuse when the client or the target (``notice:<pk>`` / ``area:<path>``) reached its limit.

    ``stored_*`` are the counts of rows already stored in the same windows (the durable backstop)."""
    limits = _limits()
    cache = _cache()
    for n, (key, limit, _ttl) in enumerate(_keys(source, target)):
        counted = max(cache.get(key, 0), stored_ip if n == 0 else stored_target)
        if counted >= limit:
            if n == 0:
                raise DomainError(
                    _("您提交得太频繁了（每小时最多 %(n)s 次），请稍后再试，或拨打监督电话 12317。")
                    % {"n": limits["per_ip_hour"]},
                    code="rate_ip",
                )
            raise DomainError(
                _("今天收到的网上反映已达上限（%(n)s 条），请明天再试，或拨打监督电话 12317。")
                % {"n": limits["per_target_day"]},
                code="rate_target",
            )


def rate_count(source: Source, target: str = "") -> None:
    """Count one accepted post."""
    cache = _cache()
    for key, _limit, ttl in _keys(source, target):
        if not cache.add(key, 1, ttl):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, ttl)
