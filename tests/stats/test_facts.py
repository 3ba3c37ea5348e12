"""The facts table and the rollup counters follow the timeline, in the same transaction."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum

from foia import deadlines as law
from foia.models import Authority, AuthorityKind, Event, RefusalGround, Visibility
from foia.services import fanout
from foia.stats import rollups
from foia.stats.models import (
    GROUND_FIELDS,
    NO_DATE,
    AuthorityStats,
    KindDaysStats,
    KindMonthStats,
    KindStats,
    RequestFacts,
    RequestSearch,
)
from tests.public.conftest import D, rec, seed_demo

pytestmark = pytest.mark.django_db


def facts(request) -> RequestFacts:
    return RequestFacts.objects.get(pk=request.pk)


def live_groups() -> dict:
    """What the rollups must hold, computed straight from the facts."""
    publishable = RequestFacts.objects.filter(public_from__isnull=False)
    out = {}
    for f in publishable:
        public, pending = rollups.public_year(f), rollups.pending_year(f)
        values = rollups.counter_values(f)
        for key, names in (
            (
                ("kind", f.authority_kind, public, pending, rollups.appeal_due_year(f)),
                rollups.COUNTER_NAMES,
            ),
            (("authority", f.authority_id, public, pending), rollups.TIMELINESS),
        ):
            counts = out.setdefault(key, dict.fromkeys(names, 0))
            for name in names:
                counts[name] += values[name]
    return out


def rollup_groups() -> dict:
    kinds = {
        ("kind", g.authority_kind, g.public_year, g.pending_year, g.appeal_due_year): {
            n: getattr(g, n) for n in rollups.COUNTER_NAMES
        }
        for g in KindStats.objects.filter(requests__gt=0)
    }
    authorities = {
        ("authority", g.authority_id, g.public_year, g.pending_year): {
            n: getattr(g, n) for n in rollups.TIMELINESS
        }
        for g in AuthorityStats.objects.filter(requests__gt=0)
    }
    return {**kinds, **authorities}


def assert_rollups_match_facts() -> None:
    assert rollup_groups() == live_groups()
    publishable = RequestFacts.objects.filter(public_from__isnull=False)
    months = KindMonthStats.objects.aggregate(**{n: Sum(n) for n in rollups.TIMELINESS})
    live = publishable.aggregate(**rollups.counter_aggregates())
    assert {n: months[n] or 0 for n in rollups.TIMELINESS} == {
        n: live["n_" + n] for n in rollups.TIMELINESS
    }
    histogram = dict(
        KindDaysStats.objects.filter(metric="answer", count__gt=0)
        .values_list("days")
        .annotate(n=Sum("count"))
        .order_by()
    )
    assert histogram == dict(
        publishable.filter(answer_days__isnull=False)
        .values_list("answer_days")
        .annotate(n=Count("pk"))
        .order_by()
    )


def test_a_sent_request_gets_facts_with_its_answer_deadline(sent):
    request = sent(D(2026, 9, 1))
    f = facts(request)
    assert f.sent_on == D(2026, 9, 1) and f.received_on == D(2026, 9, 1)
    assert f.answer_due_on == D(2026, 9, 16)
    assert f.first_answer_on is None and f.answered_in_time is None
    assert f.outcome == "none"
    assert f.public_from == NO_DATE
    assert f.authority_kind == AuthorityKind.MINISTRY


def test_a_draft_has_no_facts(public_request):
    request = public_request()
    assert not RequestFacts.objects.filter(pk=request.pk).exists()


def test_an_extension_notice_is_not_counted_as_an_answer(sent):
    request = sent(D(2026, 9, 1))
    rec(request, "extension", D(2026, 9, 7), channel="email", received_on=D(2026, 9, 7))
    f = facts(request)
    assert f.first_answer_on is None and f.answer_days is None and f.answered_in_time is None
    assert f.outcome == "none"
    assert f.answer_due_on == law.extended_response_latest(D(2026, 9, 1))

    rec(request, "answer", D(2026, 10, 5), answer_kind="full", channel="email")
    f = facts(request)
    assert f.first_answer_on == D(2026, 10, 5)
    assert f.answer_days == 34
    assert f.answered_in_time is True  # within the extended deadline
    assert f.outcome == "full"


def test_a_late_partial_answer_is_late_and_keeps_its_ground(sent):
    request = sent(D(2026, 9, 1))
    rec(
        request, "answer", D(2026, 9, 21), answer_kind="partial", grounds=["art14"], channel="email"
    )
    f = facts(request)
    assert f.answered_in_time is False
    assert f.outcome == "partial"
    assert f.ground_codes == ["art14"]


def test_a_refusal_citing_two_grounds_counts_for_each(sent):
    request = sent(D(2026, 9, 1))
    rec(
        request,
        "refusal",
        D(2026, 9, 10),
        grounds=["art9_3", "art14"],
        decision_number="01-1/2026",
        channel="email",
        received_on=D(2026, 9, 10),
    )
    f = facts(request)
    assert f.outcome == "refused"
    assert f.ground_art9_3 and f.ground_art14 and not f.ground_art9_5
    group = KindStats.objects.get(authority_kind=request.authority.kind, requests__gt=0)
    assert (group.outcome_refused, group.ground_art9_3, group.ground_art14) == (1, 1, 1)


def test_an_appeal_the_commissioners_decision_and_compliance(sent):
    request = sent(D(2026, 9, 1))
    refusal = rec(
        request,
        "refusal",
        D(2026, 9, 10),
        grounds=["art9_5"],
        channel="email",
        received_on=D(2026, 9, 11),
    )
    rec(
        request,
        "appeal_filed",
        D(2026, 9, 20),
        appeal_ground="refusal",
        related_event=refusal,
        channel="email",
        received_on=D(2026, 9, 21),
    )
    f = facts(request)
    assert f.appealed and f.appeal_ground == "refusal" and f.commissioner_outcome == ""
    assert f.commissioner_due_on == law.commissioner_decision_due(D(2026, 9, 21))
    rec(
        request,
        "commissioner_decision",
        D(2026, 10, 30),
        decision_date=D(2026, 10, 28),
        commissioner_outcome="ordered",
        period_days=5,
        channel="email",
        received_on=D(2026, 10, 30),
    )
    f = facts(request)
    assert f.commissioner_outcome == "ordered" and f.ordered
    assert f.commissioner_days == 37
    assert f.commissioner_in_time is True
    rec(request, "compliance", D(2026, 11, 4), compliance_result="partly")
    assert facts(request).compliance_result == "partly"
    assert_rollups_match_facts()


def test_facts_roll_back_with_the_timeline(sent):
    request = sent(D(2026, 9, 1))
    with transaction.atomic():
        rec(request, "answer", D(2026, 9, 5), answer_kind="full", channel="email")
        assert facts(request).first_answer_on == D(2026, 9, 5)
        transaction.set_rollback(True)
    assert facts(request).first_answer_on is None
    assert (
        KindStats.objects.get(authority_kind=request.authority.kind, requests__gt=0).answered == 0
    )
    assert AuthorityStats.objects.get(authority=request.authority, requests__gt=0).on_time == 0


def test_making_a_request_private_takes_it_out_of_the_counts(sent):
    request = sent(D(2026, 9, 1))
    assert AuthorityStats.objects.aggregate(n=Sum("requests"))["n"] == 1
    request.visibility = Visibility.PRIVATE
    request.save()
    fanout.requests_changed([request])
    assert facts(request).public_from is None
    assert AuthorityStats.objects.aggregate(n=Sum("requests"))["n"] == 0
    assert_rollups_match_facts()


def test_an_embargo_makes_the_embargo_date_the_first_public_day(sent):
    request = sent(D(2026, 9, 1))
    request.visibility, request.embargo_until = Visibility.EMBARGOED, D(2026, 12, 1)
    request.save()
    fanout.requests_changed([request])
    f = facts(request)
    assert (f.visibility, f.embargo_until, f.public_from) == (
        "embargoed",
        D(2026, 12, 1),
        D(2026, 12, 1),
    )
    assert_rollups_match_facts()


def test_editing_an_events_text_or_publicity_updates_search_and_latest_response(sent):
    request = sent(D(2026, 9, 1))
    answer = rec(
        request, "answer", D(2026, 9, 5), answer_kind="full", channel="email", text="Ugovor"
    )
    assert "ugovor" in RequestSearch.objects.get(pk=request.pk).document
    assert facts(request).last_response_on == D(2026, 9, 5)
    answer.is_public = False
    answer.text = "Lokacije kamera"
    answer.save()
    fanout.requests_changed([request])
    document = RequestSearch.objects.get(pk=request.pk).document
    assert "ugovor" not in document and "lokacij" not in document
    assert facts(request).last_response_on is None


def test_renaming_an_authority_updates_the_search_terms_and_a_new_kind_moves_the_counts(sent):
    request = sent(D(2026, 9, 1))
    authority = Authority.objects.get(pk=request.authority_id)
    authority.name = "Ministarstvo za ljudska prava"
    authority.kind = AuthorityKind.INDEPENDENT_BODY
    authority.save()
    fanout.authorities_changed([authority.pk])
    assert "ljudsk" in RequestSearch.objects.get(pk=request.pk).authority_terms
    assert facts(request).authority_kind == AuthorityKind.INDEPENDENT_BODY
    assert KindMonthStats.objects.get(authority_kind="independent_body", requests__gt=0)
    assert not KindMonthStats.objects.filter(authority_kind="ministry", requests__gt=0).exists()
    assert (
        AuthorityStats.objects.get(authority=authority, requests__gt=0).authority_kind
        == "independent_body"
    )
    assert_rollups_match_facts()


def test_deleting_a_request_takes_its_counts_out(sent):
    keep = sent(D(2026, 9, 1))
    gone = sent(D(2026, 9, 2))
    rec(gone, "answer", D(2026, 9, 5), answer_kind="full", channel="email")
    fanout.requests_deleted([gone.pk])
    gone.events.all().delete()
    gone.deadlines.all().delete()
    type(gone).objects.filter(pk=gone.pk).delete()
    assert list(RequestFacts.objects.values_list("pk", flat=True)) == [keep.pk]
    assert AuthorityStats.objects.aggregate(n=Sum("requests"))["n"] == 1
    assert_rollups_match_facts()


def test_every_refusal_ground_has_a_column():
    assert set(GROUND_FIELDS) == set(RefusalGround.values)
    assert set(GROUND_FIELDS.values()) <= {f.name for f in RequestFacts._meta.fields}


def test_the_rollups_equal_a_count_over_the_facts_after_the_demo():
    seed_demo()
    # A request whose only sending was taken back (a bounced e-mail) is a draft again: no facts.
    sent = Event.objects.live().filter(kind="sent")
    assert RequestFacts.objects.count() == sent.values("request").distinct().count()
    assert_rollups_match_facts()


def test_rebuild_facts_recomputes_the_same_facts_and_counters():
    seed_demo()
    fields = [f.name for f in RequestFacts._meta.fields if f.name != "updated_at"]
    before = list(RequestFacts.objects.order_by("pk").values(*fields))
    documents = list(RequestSearch.objects.order_by("pk").values("document", "authority_terms"))
    groups = rollup_groups()
    out = io.StringIO()
    call_command("rebuild_facts", stdout=out)
    assert "Statistics rebuilt" in out.getvalue()
    assert list(RequestFacts.objects.order_by("pk").values(*fields)) == before
    assert (
        list(RequestSearch.objects.order_by("pk").values("document", "authority_terms"))
        == documents
    )
    assert rollup_groups() == groups
    call_command("rebuild_facts", "--rollups-only", stdout=io.StringIO())
    assert rollup_groups() == groups
