"""The API exception handler: every error is JSON with Chinese messages, as a field map or a detail list."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions

from jingzhun.core.api import exception_handler
from jingzhun.core.errors import AccessDenied, DomainError


def handle(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data


def test_domain_error_becomes_a_400_field_map():
    assert handle(DomainError("名称不能为空。", field="name")) == (400, {"name": ["名称不能为空。"]})


def test_domain_error_without_field_goes_to_non_field_errors():
    assert handle(DomainError("校验未通过。")) == (400, {"non_field_errors": ["校验未通过。"]})


def test_access_denied_becomes_a_403_detail_list():
    assert handle(AccessDenied("您无权修改“甲镇”。")) == (403, {"detail": ["您无权修改“甲镇”。"]})


def test_django_validation_errors_become_400_maps():
    assert handle(DjangoValidationError({"phone": ["号码无效。"]})) == (400, {"phone": ["号码无效。"]})
    assert handle(DjangoValidationError("整体无效。")) == (400, {"non_field_errors": ["整体无效。"]})


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (Http404(), 404, "未找到，或不在您的区域范围内。"),
        (PermissionDenied(), 403, "您没有执行此操作的权限。"),
        (exceptions.NotAuthenticated(), 401, "身份认证信息未提供。"),
    ],
)
def test_framework_errors_become_chinese_detail_lists(exc, status, detail):
    code, data = handle(exc)
    assert code == status
    assert data == {"detail": [detail]}


def test_serializer_errors_stay_field_maps():
    code, data = handle(exceptions.ValidationError({"username": ["该字段是必填项。"]}))
    assert code == 400 and data == {"username": ["该字段是必填项。"]}


def test_list_errors_become_non_field_errors():
    code, data = handle(exceptions.ValidationError(["整体无效。"]))
    assert code == 400 and data == {"non_field_errors": ["整体无效。"]}
