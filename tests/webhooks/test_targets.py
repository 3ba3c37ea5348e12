"""Endpoints on loopback or private networks are refused unless the setting allows them.
(Only address literals and /etc/hosts names are used: nothing is looked up or contacted.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from foia.webhooks.models import WebhookDelivery
from foia.webhooks.services import deliver, emit, endpoint_create
from foia.webhooks.targets import check_target

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[fd00::1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_or_loopback_target_is_refused_in_production(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as exc:
        check_target(url)
    assert "url" in exc.value.message_dict


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "http:///nohost", "http://user:pw@8.8.8.8/", "http://[::1"]
)
def test_a_malformed_target_is_refused_with_a_message(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError):
        check_target(url)


def test_a_public_address_is_accepted(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    check_target("https://8.8.8.8/hook")  # a literal: checked, never contacted


def test_the_setting_allows_loopback_for_tests(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    check_target("http://127.0.0.1:8080/hook")


def test_an_endpoint_that_became_private_is_not_contacted(org, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint_create(
        organization=org, user=owner, url="http://127.0.0.1:9/x", kinds=["event.recorded"]
    )
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    emit(organization_id=org.pk, kind="event.recorded", data={}, key="k")
    delivery = WebhookDelivery.objects.get()
    assert deliver(delivery.pk) == "retry"
    assert "private" in delivery.attempt_log.get().error


def test_unknown_kinds_are_refused_when_registering(org, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError) as exc:
        endpoint_create(organization=org, user=owner, url="http://127.0.0.1/x", kinds=["nope"])
    assert "kinds" in exc.value.message_dict
