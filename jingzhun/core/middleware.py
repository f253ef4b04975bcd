from . import context


def client_ip(request) -> str | None:
    # Behind the county's reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45] or None
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
