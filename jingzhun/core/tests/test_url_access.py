"""Every URL declares its protection, and every scoped URL refuses anonymous users.

This walks the whole URL configuration, so a view added by any later module without ``@access`` (or an
``access`` class attribute) fails here.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jingzhun.core.access import ACCESS_LEVELS, access_of

SAMPLE = {"code": "513498100201", "pk": "1", "assignment_pk": "1", "year": "2020", "path": "x.txt"}


def walk(patterns=None, prefix="", namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, namespace


def declared(pattern: URLPattern, namespace: str) -> str | None:
    if namespace == "admin":
        return "superuser"  # Django admin, limited to superusers in config/urls.py
    return access_of(pattern.callback)


def sample_url(route: str) -> str | None:
    if "(?P<format>" in route or "<format>" in route:
        return None
    route = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE.get(m.group(1), "1"), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE.get(m.group(1), "1"), route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + route


def test_every_url_declares_access():
    missing = [route for route, p, ns in walk() if declared(p, ns) not in ACCESS_LEVELS]
    assert missing == [], f"URLs without @access / access attribute: {missing}"


def test_walk_sees_the_known_modules():
    routes = [route for route, _p, _ns in walk()]
    assert any(r.startswith("areas/") for r in routes)
    assert any(r.startswith("api/v1/") for r in routes)
    assert len(routes) > 30


@pytest.mark.django_db
def test_every_scoped_url_refuses_anonymous(client):
    checked = 0
    for route, p, ns in walk():
        if declared(p, ns) != "scoped":
            continue
        url = sample_url(route)
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code in (302, 401, 403), (
            f"{url} answered {response.status_code} to an anonymous user"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_superuser_urls_refuse_ordinary_users(client_for, personas):
    client = client_for(personas.county_admin)
    response = client.get("/sysadmin/")
    assert response.status_code == 302 and "login" in response["Location"]
