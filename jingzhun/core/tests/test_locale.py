"""Chinese first: an English browser still gets Chinese until the user switches language."""

import pytest

pytestmark = pytest.mark.django_db


def test_english_browser_gets_chinese_by_default(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html and 'lang="zh-hans"' in html


def test_user_can_switch_to_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html and "Sign in" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录" in client.get("/accounts/login/").content.decode()
