from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import context


def client_ip(request) -> str | None:
    # X-Forwarded-For can be forged by any client; it is trusted only when the deployment says a
    # reverse proxy in front of us sets it (JINGZHUN_TRUST_X_FORWARDED_FOR=1).
    if settings.JINGZHUN_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45] or None
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_current(
            context.RequestInfo(
                ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language in the UI (cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on an English-language
    browser turns a Chinese office's system into English without anyone asking for it.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
