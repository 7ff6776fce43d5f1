import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@pytest.fixture
def world(db):
    from core.testing.personas import build_world

    return build_world()


@pytest.fixture
def client_as(client):
    """client_as(user) → a logged-in test client."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as():
    from rest_framework.test import APIClient

    def login(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    return login
