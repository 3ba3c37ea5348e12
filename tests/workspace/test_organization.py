"""The organization page: owners manage members and settings; others only see who is in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from foia.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_an_owner_cannot_add_an_existing_account_without_its_consent(owner_client, org):
    newcomer = get_user_model().objects.create_user("mila", "mila@example.org", "x")
    response = owner_client.post(
        reverse("workspace:organization", args=[org.slug]),
        {"add-who": "MILA@example.org", "add-role": "editor", "add_member": "1"},
    )
    assert response.status_code == 200  # the old direct "add" is gone: nothing happens
    assert not Membership.objects.filter(user=newcomer).exists()


def test_an_owner_changes_a_role_but_the_last_owner_stays(owner_client, org, owner, colleague):
    membership = Membership.objects.get(user=colleague)
    owner_client.post(
        reverse("workspace:member", args=[org.slug, membership.pk]), {"role": "viewer"}
    )
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER
    mine = Membership.objects.get(user=owner)
    owner_client.post(reverse("workspace:member", args=[org.slug, mine.pk]), {"remove": "1"})
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_an_owner_edits_the_organizations_details(owner_client, org):
    owner_client.post(
        reverse("workspace:organization", args=[org.slug]),
        {
            "org-name": "SHARE",
            "org-address": "Beograd",
            "org-email": "",
            "org-website": "",
            "save_org": "1",
        },
    )
    org.refresh_from_db()
    assert (org.name, org.address) == ("SHARE", "Beograd")


def test_an_editor_sees_the_members_but_cannot_change_them(editor_client, org, owner):
    page = editor_client.get(reverse("workspace:organization", args=[org.slug]))
    assert page.status_code == 200 and "owner" in page.content.decode()
    mine = Membership.objects.get(user=owner)
    response = editor_client.post(
        reverse("workspace:member", args=[org.slug, mine.pk]), {"role": "viewer"}
    )
    assert response.status_code == 403
    response = editor_client.post(
        reverse("workspace:organization", args=[org.slug]),
        {"org-name": "Hijacked", "save_org": "1"},
    )
    assert response.status_code == 403
