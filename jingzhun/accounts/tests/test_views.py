"""Account pages and API: login and lockout (django-axes), logout, user forms, profile, token API, the
API's error format, and the public OpenAPI schema and docs."""

import re

import pytest
from rest_framework.authtoken.models import Token

from jingzhun.accounts.models import Role, RoleAssignment, User
from jingzhun.accounts.services import token_regenerate
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Qingshi-Village-2026"


def field_errors(html: str, field: str) -> list[str]:
    block = re.search(rf'<ul class="errorlist" data-field="{field}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def login(client, username, password, ip="10.0.0.9"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- login, lockout, logout ------------------------------------------------------------------------------


def test_login_page_is_in_chinese(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans"' in html
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "忘记密码请联系本级管理员重置。" in html


def test_correct_password_logs_in_and_redirects_home(client, personas):
    response = login(client, "village_a1", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_chinese_error(client, personas):
    response = login(client, "village_a1", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误。连续输错 5 次将被暂时锁定 30 分钟。" in response.content.decode()
    assert client.get("/").status_code == 302


def test_inactive_account_cannot_log_in(client, personas):
    User.objects.filter(pk=personas.village_a1.pk).update(is_active=False)
    response = login(client, "village_a1", PASSWORD)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, personas):
    for attempt in range(1, 5):
        assert login(client, "village_a1", f"wrong-{attempt}").status_code == 200
    fifth = login(client, "village_a1", "wrong-5")
    assert fifth.status_code == 429
    sixth = login(client, "village_a1", PASSWORD)
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert "登录失败次数过多，账号已被暂时锁定" in html
    assert "请 30 分钟后再试" in html
    assert client.get("/").status_code == 302  # not logged in


def test_lockout_is_per_username_and_ip(client, personas):
    for attempt in range(5):
        login(client, "village_a1", f"wrong-{attempt}")
    assert login(client, "village_a1", PASSWORD, ip="10.0.0.10").status_code == 302
    client.logout()
    assert login(client, "village_b1", PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_counter(client, personas):
    for attempt in range(4):
        login(client, "village_a1", f"wrong-{attempt}")
    assert login(client, "village_a1", PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        assert login(client, "village_a1", f"again-{attempt}").status_code == 200
    assert login(client, "village_a1", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client_for, personas):
    client = client_for(personas.village_a1)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


# --- user management pages ------------------------------------------------------------------------------


def create_form(personas, **overrides):
    return {
        "username": "li_si",
        "full_name": "李四",
        "phone": "13800000000",
        "unit": "甲一村村委会",
        "area": personas.tree.village_a1.code,
        "role": Role.objects.get(code="village_officer").pk,
        "password": NEW_PASSWORD,
        **overrides,
    }


def test_user_create_page_creates_the_user_with_its_role(client_for, personas):
    response = client_for(personas.township_a).post("/accounts/users/new/", create_form(personas))
    user = User.objects.get(username="li_si")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{user.pk}/"
    assert user.area == personas.tree.village_a1
    assert [(a.role.code, a.area.code) for a in user.assignments.all()] == [
        ("village_officer", personas.tree.village_a1.code)
    ]
    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).exists()


def test_user_create_page_offers_only_lower_roles(client_for, personas):
    html = client_for(personas.township_a).get("/accounts/users/new/").content.decode()
    select = re.search(r'<select name="role".*?</select>', html, re.S).group(0)
    assert "村级信息员" in select and "帮扶责任人" in select
    assert "县级管理员" not in select and "乡镇管理员" not in select


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "请输入有效的手机号或固定电话"),
        ({"password": "abc"}, "password", "至少"),
        ({"password": "12345678"}, "password", "密码"),
        ({"username": "Village_A1"}, "username", "用户名“Village_A1”已被使用。"),
        ({"username": "bad name!"}, "username", "用户名"),
        ({"full_name": ""}, "full_name", "必填项"),
        ({"area": "513498200201"}, "area", "区划代码不存在或不在您的管理范围内。"),
        ({"area": "999999999999"}, "area", "区划代码不存在或不在您的管理范围内。"),
        ({"role": "township_admin"}, "role", "选择一个有效的选项"),  # not below the actor's rank
    ],
)
def test_user_create_page_shows_chinese_field_errors_and_writes_nothing(
    client_for, personas, overrides, field, message
):
    if "role" in overrides:
        overrides = {"role": Role.objects.get(code=overrides["role"]).pk}
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = client_for(personas.township_a).post(
        "/accounts/users/new/", create_form(personas, **overrides)
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), field)
    assert any(message in e for e in errors), errors
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events


def test_user_create_page_marks_the_invalid_field(client_for, personas):
    html = (
        client_for(personas.township_a)
        .post("/accounts/users/new/", create_form(personas, phone="12345"))
        .content.decode()
    )
    phone_input = re.search(r'<input[^>]*name="phone"[^>]*>', html).group(0)
    assert "is-invalid" in phone_input and 'aria-invalid="true"' in phone_input
    username_input = re.search(r'<input[^>]*name="username"[^>]*>', html).group(0)
    assert "is-invalid" not in username_input


def test_user_create_page_is_refused_without_manage_capability(client_for, personas):
    response = client_for(personas.village_a1).post("/accounts/users/new/", create_form(personas))
    assert response.status_code == 403
    assert not User.objects.filter(username="li_si").exists()


def test_user_edit_page_updates_through_the_service(client_for, personas):
    target = personas.village_a1
    response = client_for(personas.township_a).post(
        f"/accounts/users/{target.pk}/edit/",
        {
            "full_name": "王五",
            "phone": "",
            "unit": "",
            "area": personas.tree.village_a2.code,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.full_name, target.area) == ("王五", personas.tree.village_a2)
    assert AuditEvent.objects.get(action="user.update").after["full_name"] == "王五"


def test_assignment_page_adds_a_lower_role(client_for, personas):
    target = personas.village_a1
    response = client_for(personas.township_a).post(
        f"/accounts/users/{target.pk}/assignments/",
        {"role": Role.objects.get(code="cadre").pk, "area": personas.tree.village_a2.code},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=target, role__code="cadre", area=personas.tree.village_a2
    ).exists()


def test_assignment_page_remove_is_refused_for_out_of_scope_assignments(client_for, personas):
    other = personas.village_b1.assignments.get()
    response = client_for(personas.township_a).post(
        f"/accounts/users/{personas.village_b1.pk}/assignments/{other.pk}/remove/"
    )
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()


# --- profile --------------------------------------------------------------------------------------------


def test_profile_password_change_keeps_the_session(client_for, personas):
    client = client_for(personas.village_a1)
    response = client.post("/accounts/profile/", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=personas.village_a1.pk).check_password(NEW_PASSWORD)
    assert client.get("/accounts/profile/").status_code == 200


def test_profile_password_mismatch_and_weak_password_are_chinese_errors(client_for, personas):
    client = client_for(personas.village_a1)
    html = client.post(
        "/accounts/profile/", {"password": NEW_PASSWORD, "password2": "other-pass-2026"}
    ).content.decode()
    assert field_errors(html, "password2") == ["两次输入的密码不一致。"]
    html = client.post(
        "/accounts/profile/", {"password": "12345678", "password2": "12345678"}
    ).content.decode()
    assert any("密码" in e for e in field_errors(html, "password"))
    assert User.objects.get(pk=personas.village_a1.pk).check_password(PASSWORD)


def test_profile_token_regeneration_shows_the_new_key(client_for, personas):
    client = client_for(personas.village_a1)
    response = client.post("/accounts/profile/token/", follow=True)
    key = Token.objects.get(user=personas.village_a1).key
    assert key in response.content.decode()


# --- API ------------------------------------------------------------------------------------------------


def test_me_returns_assignments_and_capabilities(client_for, personas):
    data = client_for(personas.township_a).get("/api/v1/me/").json()
    assert data["username"] == "township_a"
    assert data["area"] == personas.tree.township_a.code
    assert data["assignments"] == [
        {
            "role": "township_admin",
            "role_name": "乡镇管理员/扶贫专干",
            "area": personas.tree.township_a.code,
            "area_name": "甲镇",
        }
    ]
    assert "areas.import" in data["capabilities"] and "accounts.manage" in data["capabilities"]
    assert "accounts.roles" not in data["capabilities"]
    assert data["is_superuser"] is False


def test_token_endpoint_returns_a_token_for_good_credentials(client, personas):
    response = client.post("/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=personas.township_a).key}


def test_token_endpoint_answers_bad_credentials_with_a_chinese_field_map(client, personas):
    response = client.post("/api/v1/auth/token/", {"username": "township_a", "password": "wrong"})
    assert response.status_code == 400
    assert response.json() == {"password": ["用户名或密码错误，或账号已被暂时锁定。"]}
    assert not Token.objects.exists()
    response = client.post("/api/v1/auth/token/", {})
    assert response.status_code == 400
    assert response.json() == {"username": ["该字段是必填项。"], "password": ["该字段是必填项。"]}


def test_token_endpoint_failures_count_towards_the_lockout(client, personas):
    for attempt in range(5):
        client.post("/api/v1/auth/token/", {"username": "township_a", "password": f"wrong-{attempt}"})
    response = client.post("/api/v1/auth/token/", {"username": "township_a", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == {"detail": ["登录失败次数过多，账号已被暂时锁定，请 30 分钟后再试。"]}
    assert not Token.objects.filter(user=personas.township_a).exists()


def test_token_authentication_works_and_is_scoped(client, personas):
    key = token_regenerate(actor=personas.township_a).key
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 4
    assert (
        client.get(
            f"/api/v1/areas/{personas.tree.village_b1.code}/", HTTP_AUTHORIZATION=f"Token {key}"
        ).status_code
        == 404
    )


def test_invalid_token_is_refused_with_a_detail_list(client, personas):
    response = client.get("/api/v1/areas/", HTTP_AUTHORIZATION="Token not-a-real-key")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": ["认证令牌无效。"]}


@pytest.mark.parametrize("url", ["/api/v1/areas/", "/api/v1/me/", "/api/v1/users/", "/api/v1/jobs/"])
def test_anonymous_api_request_is_refused_with_a_chinese_detail_list(client, url):
    response = client.get(url)
    assert response.status_code in (401, 403)
    body = response.json()
    assert list(body) == ["detail"] and isinstance(body["detail"], list)
    assert body["detail"] == ["身份认证信息未提供。"]


def test_api_404_detail_is_chinese(client_for, personas):
    response = client_for(personas.township_a).get(f"/api/v1/users/{personas.village_b1.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": ["未找到，或不在您的区域范围内。"]}


def test_openapi_schema_loads_without_login(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith("openapi: 3")
    assert "/api/v1/areas/" in text and "/api/v1/auth/token/" in text


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_load_without_login_and_use_only_local_assets(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert assets, "the page should load its scripts from static files"
    assert all(a.startswith("/static/") for a in assets), assets
    assert not re.search(r"https?://", html)
