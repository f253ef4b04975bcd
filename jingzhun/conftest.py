import pytest

from jingzhun.core.testing import build_personas, build_tree


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def personas(tree):
    return build_personas(tree)


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as ``user`` (bypasses the login form and axes)."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
