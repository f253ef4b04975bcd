"""Request context that services may read without taking a request argument (IP, user agent).

The middleware sets it for web requests; management commands and workers leave it empty.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "jingzhun_request", default=None
)


def current() -> RequestInfo:
    return _current.get() or RequestInfo()


def set_current(info: RequestInfo):
    return _current.set(info)


def reset(token) -> None:
    _current.reset(token)
