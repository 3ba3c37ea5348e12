"""Every model is usable in the admin, and the admin writes events through the transitions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse

from foia.models import Attachment, Campaign, Event, EventKind, NonWorkingDay, Topic
from foia.services.transitions import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123-xyz!")
    client.force_login(user)
    return client


@pytest.fixture
def story(make_request, org, owner, colleague, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = Campaign.objects.create(organization=org, title="Safe City cameras")
    r = make_request(campaign=campaign)
    r.topics.add(Topic.objects.create(name="Video nadzor", slug="video-nadzor"))
    record_event(
        request=r,
        kind="sent",
        occurred_on=dt.date(2026, 3, 2),
        channel="email",
        today=dt.date(2026, 11, 20),
    )
    record_event(
        request=r,
        kind="refusal",
        occurred_on=dt.date(2026, 3, 12),
        decision_number="01-5/26",
        grounds=["art9_3"],
        today=dt.date(2026, 11, 20),
    )
    NonWorkingDay.objects.create(date=dt.date(2026, 12, 31), reason="Declared")
    attachment = Attachment(request=r, original_name="resenje.pdf", content_type="application/pdf")
    attachment.file.save("resenje.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    attachment.save()
    return r


def foia_models():
    return [m for m in admin.site._registry if m._meta.app_label == "foia"]


@pytest.mark.parametrize("model", foia_models(), ids=lambda m: m.__name__)
def test_every_model_has_a_working_changelist_search_and_filters(staff, story, model):
    url = reverse(f"admin:foia_{model._meta.model_name}_changelist")
    assert staff.get(url).status_code == 200
    assert staff.get(url, {"q": "Safe"}).status_code == 200
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model.__name__} needs admin search"
    # Small lookup tables need no filters; NonWorkingDay has a date hierarchy instead.
    assert model_admin.list_filter or model in (NonWorkingDay, Topic)


@pytest.mark.parametrize("model", foia_models(), ids=lambda m: m.__name__)
def test_every_model_has_working_add_and_change_pages(staff, story, model):
    obj = model.objects.first()
    assert obj is not None, f"the story should create a {model.__name__}"
    change = reverse(f"admin:foia_{model._meta.model_name}_change", args=[obj.pk])
    assert staff.get(change).status_code == 200
    fake = RequestFactory().get("/")
    fake.user = get_user_model().objects.get(username="root")
    if admin.site._registry[model].has_add_permission(fake):
        add = reverse(f"admin:foia_{model._meta.model_name}_add")
        assert staff.get(add).status_code == 200


def test_the_authority_list_shows_the_derived_appeal_route(staff, government):
    page = staff.get(reverse("admin:foia_authority_changelist")).content.decode()
    assert "Administrative Court" in page


def test_an_impossible_event_added_in_the_admin_is_refused_and_the_input_kept(staff, story):
    url = reverse("admin:foia_event_add")
    response = staff.post(
        url,
        {
            "request": story.pk,
            "kind": EventKind.COMMISSIONER_DECISION,
            "occurred_on": "2026-06-01",
            "text": "Nalaže se MUP-u da dostavi ugovor",
            "is_public": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "No appeal has been recorded" in page
    assert "Nalaže se MUP-u da dostavi ugovor" in page
    assert not Event.objects.filter(kind=EventKind.COMMISSIONER_DECISION).exists()


def test_a_lawful_event_added_in_the_admin_is_recorded_with_its_warnings(staff, story):
    url = reverse("admin:foia_event_add")
    response = staff.post(
        url,
        {
            "request": story.pk,
            "kind": EventKind.APPEAL_FILED,
            "occurred_on": "2026-04-20",
            "appeal_ground": "refusal",
            "channel": "email",
            "is_public": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    event = Event.objects.get(kind=EventKind.APPEAL_FILED)
    assert [f["code"] for f in event.flags] == ["appeal_late"]
    assert event.recorded_by.username == "root"
    assert "after the 15 days" in response.content.decode()
    story.refresh_from_db()
    assert story.status == "appealed"


@pytest.mark.parametrize("value", ["true", "²", str(2**70), "\x1aw", "-1"])
@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("request", "authority"),
        ("request", "assignee"),
        ("event", "request"),
        ("membership", "user"),
        ("attachment", "request"),
        ("authority", "parent"),
    ],
)
def test_an_autocomplete_field_sent_a_non_id_is_a_form_error_not_a_500(staff, model, field, value):
    response = staff.post(reverse(f"admin:foia_{model}_add"), {field: value})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
