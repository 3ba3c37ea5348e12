from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from foia.api.models import Scope
from foia.api.services import token_create
from tests.public.conftest import (  # noqa: F401 - fixtures shared with the public site's tests
    campaign,
    city,
    frozen,
    municipality,
    public_request,
    sent,
    story,
    topic,
)


@pytest.fixture
def api(settings):
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def no_throttle(monkeypatch):
    from foia.api import throttling

    monkeypatch.setattr(throttling._ClientThrottle, "allow_request", lambda self, r, v: True)


@pytest.fixture
def make_token(org):
    def make(user, scope=Scope.READ_WRITE, organization=None, **kwargs) -> str:
        _token, raw = token_create(
            user=user, organization=organization or org, name="test", scope=scope, **kwargs
        )
        return raw

    return make


@pytest.fixture
def as_token(api):
    def use(raw: str) -> APIClient:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return api

    return use
