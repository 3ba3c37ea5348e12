"""Invitations: an owner invites an e-mail address with a role; the link expires, works once and
lets the person set a password or join with the account they have. Nobody joins without
accepting, and the owner never learns whether an account exists for an address."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from foia.models import Membership, Role
from foia.services import organizations as services
from foia.workspace.models import AuditAction, AuditEntry, Invitation, InvitationEmail, SendState

pytestmark = pytest.mark.django_db


def invite(client, org, email="mila@example.org", role="editor"):
    return client.post(
        reverse("workspace:organization", args=[org.slug]),
        {"invite-email": email, "invite-role": role, "invite": "1"},
        follow=True,
    )


def link(invitation) -> str:
    return reverse("workspace:invitation", args=[invitation.token])


def test_an_owner_invites_an_address_and_nobody_joins_before_accepting(owner_client, org, owner):
    existing = get_user_model().objects.create_user("mila", "mila@example.org", "x")
    page = invite(owner_client, org, "MILA@example.org")
    assert page.status_code == 200
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "MILA@example.org",
        Role.EDITOR,
        owner,
    )
    assert not Membership.objects.filter(user=existing).exists()
    assert InvitationEmail.objects.get().state == SendState.QUEUED
    assert AuditEntry.objects.filter(action=AuditAction.MEMBER_INVITED, actor=owner).exists()
    assert "MILA@example.org" in page.content.decode()  # listed as pending


def test_the_answer_is_the_same_whether_or_not_an_account_exists(owner_client, org):
    get_user_model().objects.create_user("mila", "mila@example.org", "x")
    known = invite(owner_client, org, "mila@example.org").content.decode()
    unknown = invite(owner_client, org, "nobody@example.org").content.decode()
    assert "Invitation sent to mila@example.org" in known
    assert "Invitation sent to nobody@example.org" in unknown
    for page in (known, unknown):
        assert "No single account" not in page and "get an account" not in page


def test_only_an_e_mail_address_can_be_invited(owner_client, org):
    get_user_model().objects.create_user("mila", "mila@example.org", "x")
    page = invite(owner_client, org, "mila").content.decode()
    assert "Enter a valid email address." in page
    assert not Invitation.objects.exists()


def test_an_address_with_an_open_invitation_is_not_invited_twice(owner_client, org):
    invite(owner_client, org)
    page = invite(owner_client, org).content.decode()
    assert "already invited" in page
    assert Invitation.objects.count() == 1


def test_viewers_and_editors_are_not_offered_invitations_and_are_refused(
    viewer_client, editor_client, outsider_client, org
):
    for client in (viewer_client, editor_client):
        page = client.get(reverse("workspace:organization", args=[org.slug])).content.decode()
        assert "Invite a colleague" not in page and "Send again" not in page
        assert invite(client, org).status_code == 403
    assert invite(outsider_client, org).status_code == 404
    assert not Invitation.objects.exists()


def test_the_invitation_e_mail_is_sent_once_with_a_link_under_site_url(org, owner, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.VIEWER
    )
    row = invitation.emails.get()
    assert services.invitation_deliver(row.pk) == "sent"
    assert services.invitation_deliver(row.pk) == "skipped"
    assert services.invitation_sweep() == []
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mila@example.org"]
    assert "SHARE Foundation" in message.subject and "\n" not in message.subject
    assert f"http://127.0.0.1:8123/app/invitations/{invitation.token}/" in message.body
    row.refresh_from_db()
    assert row.state == SendState.SENT and row.sent_at is not None


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_e_mail_is_retried_later_and_never_dropped(org, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 2
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    row = invitation.emails.get()
    assert services.invitation_deliver(row.pk) == "retrying"  # the SMTP server refused
    row.refresh_from_db()
    assert row.state == SendState.QUEUED and row.next_attempt_at > timezone.now()
    assert row.last_error
    assert services.invitation_sweep() == []  # not before its backoff
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + dt.timedelta(minutes=5)
    assert services.invitation_sweep(now=later) == [row.pk]
    assert services.invitation_deliver(row.pk, now=later) == "sent"
    assert len(mail.outbox) == 1


def test_a_sending_abandoned_by_a_dead_worker_is_taken_over_after_its_lease(org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    row = invitation.emails.get()
    now = timezone.now()
    InvitationEmail.objects.filter(pk=row.pk).update(
        state=SendState.SENDING, claimed_until=now + services.SEND_LEASE
    )
    assert services.invitation_deliver(row.pk, now=now) == "skipped"  # someone holds it
    after = now + services.SEND_LEASE + dt.timedelta(seconds=1)
    assert services.invitation_sweep(now=after) == [row.pk]
    assert services.invitation_deliver(row.pk, now=after) == "sent"
    assert len(mail.outbox) == 1


def test_a_newcomer_sets_a_password_joins_and_logs_in(client, org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    page = client.get(link(invitation)).content.decode()
    assert "Make your account" in page and "mila@example.org" in page
    response = client.post(
        link(invitation),
        {"new-username": "mila", "new-password1": "Kamere-2026!", "new-password2": "Kamere-2026!"},
    )
    assert response.status_code == 302 and response.url == reverse("workspace:board")
    user = get_user_model().objects.get(username="mila")
    assert user.email == "mila@example.org"
    assert Membership.objects.get(user=user, organization=org).role == Role.EDITOR
    assert client.get(reverse("workspace:board")).status_code == 200  # logged in
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    client.post(reverse("workspace:logout"))
    fresh = client.__class__()
    login = fresh.post(reverse("workspace:login"), {"username": "mila", "password": "Kamere-2026!"})
    assert login.status_code == 302
    assert fresh.get(reverse("workspace:board")).status_code == 200


def test_the_link_works_once(client, org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    data = {
        "new-username": "mila",
        "new-password1": "Kamere-2026!",
        "new-password2": "Kamere-2026!",
    }
    client.post(link(invitation), data)
    other = client.__class__()
    again = other.post(link(invitation), {**data, "new-username": "mila2"})
    assert again.status_code == 404
    assert "no longer works" in again.content.decode()
    assert not get_user_model().objects.filter(username="mila2").exists()


def test_a_weak_password_or_a_taken_username_is_explained(client, org, owner, colleague):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    weak = client.post(
        link(invitation), {"new-username": "mila", "new-password1": "123", "new-password2": "123"}
    ).content.decode()
    assert "too short" in weak
    taken = client.post(
        link(invitation),
        {
            "new-username": "colleague",
            "new-password1": "Kamere-2026!",
            "new-password2": "Kamere-2026!",
        },
    ).content.decode()
    assert "This username is taken" in taken
    assert Invitation.objects.get().accepted_at is None


def test_the_link_expires(client, org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        assert client.get(link(invitation)).status_code == 404


def test_an_existing_account_accepts_while_logged_in(login, org, owner):
    mila = get_user_model().objects.create_user("mila", "mila@example.org", "x")
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.VIEWER
    )
    client = login(mila)
    page = client.get(link(invitation)).content.decode()
    assert "Accept and join" in page
    assert not Membership.objects.filter(user=mila).exists()
    client.post(link(invitation), {"join": "1"})
    assert Membership.objects.get(user=mila, organization=org).role == Role.VIEWER


def test_an_anonymous_visitor_with_an_account_is_offered_to_log_in_first(client, org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.VIEWER
    )
    page = client.get(link(invitation)).content.decode()
    assert reverse("workspace:login") + "?next=" + link(invitation) in page


def test_an_owner_resends_with_a_new_link_and_revokes(owner_client, client, org, owner):
    invite(owner_client, org)
    invitation = Invitation.objects.get()
    old = link(invitation)
    action = reverse("workspace:invitation_action", args=[org.slug, invitation.pk])
    owner_client.post(action, {"resend": "1"})
    invitation.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(link(invitation)).status_code == 200
    assert invitation.emails.count() == 2
    # The first e-mail, if its task runs only now, is not sent with its dead link.
    first = invitation.emails.order_by("pk").first()
    assert services.invitation_deliver(first.pk) == "skipped"
    owner_client.post(action, {"revoke": "1"})
    assert client.get(link(invitation)).status_code == 404
    page = owner_client.get(reverse("workspace:organization", args=[org.slug])).content.decode()
    assert "mila@example.org" not in page.split("Pending invitations")[1].split("Invite a")[0]


def test_another_organisations_owner_cannot_touch_an_invitation(outsider_client, org, owner):
    invitation = services.invitation_create(
        organization=org, by=owner, email="mila@example.org", role=Role.EDITOR
    )
    action = reverse("workspace:invitation_action", args=[org.slug, invitation.pk])
    assert outsider_client.post(action, {"revoke": "1"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
