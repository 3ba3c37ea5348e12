"""`manage.py seed_demo`: idempotent, every status reachable, the Safe City story and the campaign."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from foia.demo import data as demo_data
from foia.models import (
    Authority,
    AuthorityKind,
    Campaign,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventGround,
    EventKind,
    Membership,
    Organization,
    Request,
    RequestStatus,
    Topic,
    Visibility,
)

pytestmark = pytest.mark.django_db


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    User = get_user_model()
    return {
        "authorities": Authority.objects.count(),
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "topics": Topic.objects.count(),
        "campaigns": Campaign.objects.count(),
        "requests": Request.objects.count(),
        "events": Event.objects.count(),
        "grounds": EventGround.objects.count(),
        "deadlines": Deadline.objects.count(),
        "request_topics": Request.topics.through.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> str:
    """The demo seeded once for the module's read-only checks (about 7 s a seed): inside an outer
    transaction that each test's own (a savepoint) nests in, rolled back after the last test."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        output = seed()
        yield output
        transaction.set_rollback(True)


def test_running_twice_leaves_the_same_data():
    seed()
    first = counts()
    statuses = dict(Request.objects.values_list("status").annotate(n=Count("id")).order_by())
    output = seed()
    assert counts() == first
    assert dict(Request.objects.values_list("status").annotate(n=Count("id")).order_by()) == (
        statuses
    )
    assert "0 created" in output
    assert first["requests"] == len(demo_data.REQUESTS) + len(demo_data.CAMPAIGN_TARGETS)


def test_every_status_is_present(seeded):
    present = set(Request.objects.values_list("status", flat=True))
    assert present == set(RequestStatus.values)


def test_no_event_date_lies_in_the_future(seeded):
    today = timezone.localdate()
    assert not Event.objects.filter(occurred_on__gt=today).exists()
    assert not Event.objects.filter(received_on__gt=today).exists()


def test_campaign_reaches_42_distinct_local_governments(seeded):
    campaign = Campaign.objects.get(title=demo_data.CAMPAIGN["title"])
    assert campaign.is_public
    requests = campaign.requests.select_related("authority")
    assert requests.count() == 42
    authorities = {r.authority_id for r in requests}
    assert len(authorities) == 42
    kinds = {r.authority.kind for r in requests}
    assert kinds <= {AuthorityKind.CITY, AuthorityKind.MUNICIPALITY}
    statuses = {r.status for r in requests}
    assert {
        RequestStatus.AWAITING_ANSWER,
        RequestStatus.ANSWERED,
        RequestStatus.PARTIALLY_ANSWERED,
        RequestStatus.REFUSED,
        RequestStatus.EXTENDED,
        RequestStatus.APPEALED,
    } <= statuses
    refusal_grounds = set(
        EventGround.objects.filter(event__request__campaign=campaign).values_list(
            "ground", flat=True
        )
    )
    assert {"art9_3", "art14"} <= refusal_grounds


def test_safe_city_requests_refused_under_article_9(seeded):
    safe_city = Request.objects.filter(our_reference__in=demo_data.SAFE_CITY_REFS)
    assert safe_city.count() == 2
    mup = Authority.objects.get(catalogue_id="demo-mup")
    for request in safe_city:
        assert request.authority == mup
        assert request.visibility == Visibility.PUBLIC
        assert request.topics.filter(name="Video nadzor").exists()
        refusal = request.events.get(kind=EventKind.REFUSAL)
        assert refusal.decision_number and refusal.decision_date and refusal.received_on
        assert any(code.startswith("art9_") for code in refusal.ground_codes)
        assert request.events.filter(kind=EventKind.APPEAL_FILED, appeal_ground="refusal")
    grounds = set(
        EventGround.objects.filter(event__request__in=safe_city).values_list("ground", flat=True)
    )
    assert {"art9_3", "art9_5"} <= grounds
    not_complied = safe_city.get(status=RequestStatus.NOT_COMPLIED)
    order = not_complied.events.get(kind=EventKind.COMMISSIONER_DECISION)
    assert order.commissioner_outcome == "ordered" and order.period_days == 5
    assert not_complied.events.filter(kind=EventKind.COMPLIANCE, compliance_result="not")
    assert not_complied.events.filter(kind=EventKind.ENFORCEMENT).exists()


def test_silence_a_missed_answer_deadline_without_an_answer(seeded):
    silent = Deadline.objects.filter(
        kind=DeadlineKind.RESPONSE,
        state=DeadlineState.MISSED,
        met_on__isnull=True,
        request__status=RequestStatus.AWAITING_ANSWER,
    )
    assert silent.exists()
    for deadline in silent:
        assert not deadline.request.events.filter(
            kind__in=[EventKind.ANSWER, EventKind.REFUSAL, EventKind.DISMISSAL]
        ).exists()


def test_deadlines_coming_up_for_reminders(seeded):
    today = timezone.localdate()
    upcoming = Deadline.objects.filter(
        state=DeadlineState.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=7),
    )
    assert upcoming.count() >= 3


def test_the_seven_no_appeal_bodies_go_to_the_administrative_court(seeded):
    bodies = Authority.objects.filter(catalogue_id__in=demo_data.NO_APPEAL_IDS)
    assert bodies.count() == 7
    for body in bodies:
        assert body.no_appeal, body.name
        assert body.appeal_route == "administrative_court"
    assert not Authority.objects.get(catalogue_id="demo-mup").no_appeal
    assert (
        not Authority.objects.filter(kind=AuthorityKind.CITY, name__startswith="Grad ")
        .filter(appeal_route_override="administrative_court")
        .exists()
    )


def test_users_roles_and_printed_logins(seeded):
    User = get_user_model()
    org = Organization.objects.get(slug="share-demo")
    assert org.name == "SHARE Fondacija"
    for username, role in [
        ("demo-owner", "owner"),
        ("demo-editor", "editor"),
        ("demo-viewer", "viewer"),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password(demo_data.PASSWORD)
        assert user.email.endswith("@example.org") and user.first_name and user.last_name
        assert Membership.objects.get(organization=org, user=user).role == role
        assert username in seeded
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(demo_data.PASSWORD)
    assert "http://127.0.0.1:8000/" in seeded
    assert demo_data.PASSWORD in seeded
    for status in RequestStatus.values:
        assert status in seeded


def test_private_requester_data_and_visibility_mix(seeded):
    requests = Request.objects.all()
    assert not requests.filter(requester_address="").exists()
    assert not requests.filter(requester_phone="").exists()
    assert not requests.filter(requester_email="").exists()
    assert requests.exclude(internal_notes="").count() > requests.count() // 2
    today = timezone.localdate()
    assert requests.filter(visibility=Visibility.PRIVATE).exists()
    future_embargo = requests.filter(visibility=Visibility.EMBARGOED, embargo_until__gt=today)
    assert future_embargo.exists()
    assert not Request.objects.published().filter(pk__in=future_embargo).exists()
    past_embargo = requests.filter(visibility=Visibility.EMBARGOED, embargo_until__lte=today)
    assert Request.objects.published().filter(pk__in=past_embargo).exists()
    assert Event.objects.filter(is_public=False).exists()
    assert {"email", "registered_post", "ordinary_post", "electronic"} <= set(
        requests.values_list("sent_via", flat=True)
    )
    assignees = set(requests.values_list("assignee__username", flat=True))
    assert {"demo-editor", "demo-owner", None} <= assignees
