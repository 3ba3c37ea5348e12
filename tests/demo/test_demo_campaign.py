"""A newcomer to the demo creates a campaign to every local government from the UI, in one go."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from foia.models import Authority, AuthorityKind, Campaign, CampaignBuild, RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_newcomer_creates_a_campaign_to_every_local_government_in_the_demo():
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-editor"))
    form = client.get(reverse("workspace:campaign_create"))
    assert 'value="create"' in form.content.decode()
    response = client.post(
        reverse("workspace:campaign_create"),
        {
            "title": "Budžet za video nadzor",
            "kinds": ["city", "municipality"],
            "subject": "Troškovi video nadzora",
            "information_sought": "Koliko je grad ili opština potrošio na video nadzor 2025.",
            "want_copy": "on",
            "copy_delivery": "email",
            "requester_name": "Demo NGO",
            "requester_email": "demo@example.org",
            "submission_key": form.context["form"]["submission_key"].value(),
        },
        follow=True,
    )
    campaign = Campaign.objects.get(title="Budžet za video nadzor")
    local = Authority.objects.filter(
        active=True, kind__in=[AuthorityKind.CITY, AuthorityKind.MUNICIPALITY]
    )
    assert local.count() >= 42
    assert campaign.build_state == CampaignBuild.DONE
    assert sorted(campaign.requests.values_list("authority_id", flat=True)) == sorted(
        local.values_list("pk", flat=True)
    )
    assert set(campaign.requests.values_list("status", flat=True)) == {RequestStatus.DRAFT}
    assert response.status_code == 200
    assert f"{local.count()} draft requests" in response.content.decode()
