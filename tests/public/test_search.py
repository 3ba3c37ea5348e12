"""Full-text search: diacritics- and script-insensitive, forgiving of Serbian endings, and blind
to everything private."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from foia import text as search
from foia.public.filters import search_filter
from foia.services import fanout
from foia.stats.models import RequestFacts
from tests.public.conftest import D, rec

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search (GIN, tsvector)"
)


def found(client, query: str) -> set[int]:
    response = client.get(reverse("public:requests"), {"q": query})
    assert response.status_code == 200
    return {row.request_id for row in response.context["rows"]}


def test_case_script_and_diacritics_fold_to_the_same_terms():
    assert search.terms("Čačak") == search.terms("Cacak") == search.terms("Чачак") == ["cacak"]
    assert search.terms("Đorđe ĐURĐEVIĆ") == ["djordj", "djurdjevic"]


def test_kamere_and_kamera_share_a_stem():
    assert {search.stem(w) for w in ("kamera", "kamere", "kameri", "kameru", "kamerama")} == {
        "kamer"
    }
    assert search.stem("ugovorom") == search.stem("ugovora") == "ugovor"
    assert search.stem("2019") == "2019"
    assert search.stem("mup") == "mup"  # too short to strip


def test_function_words_are_not_terms():
    assert search.terms("kamere u Beogradu i na trgovima") == ["kamer", "beograd", "trg"]


def test_a_query_is_a_tsquery_of_prefixes_with_nothing_to_inject():
    terms = search.query_terms("kamere & !Čačak | ') OR 1=1 -- :* <-> 10")
    assert terms == ["kamer", "cacak", "10"]
    assert search.tsquery(terms) == "kamer:* & cacak:* & 10:*"


@pytest.mark.django_db
def test_kamere_finds_kamera_and_the_reverse(client, sent):
    camera = sent(subject="Nabavka kamera", information_sought="Ugovor.")
    other = sent(subject="Budžet grada", information_sought="Izvršenje budžeta.")
    assert found(client, "kamere") == {camera.pk}
    assert found(client, "KAMERA") == {camera.pk}
    assert found(client, "kamerama") == {camera.pk}
    assert found(client, "budzet") == {other.pk}


@pytest.mark.django_db
def test_cacak_finds_the_city_in_any_script(client, sent, city):
    request = sent(authority=city, subject="Video nadzor", information_sought="Lokacije.")
    sent(subject="Nešto drugo")
    for query in ("Čačak", "Cacak", "cacak", "Чачак", "ЧАЧАК"):
        assert found(client, query) == {request.pk}, query


@pytest.mark.django_db
def test_every_word_of_a_query_must_match(client, sent, city):
    both = sent(authority=city, subject="Kamere na raskrsnicama")
    sent(subject="Kamere u ministarstvu")
    assert found(client, "kamere Čačak") == {both.pk}


@pytest.mark.django_db
def test_the_texts_of_public_responses_are_searchable_and_private_ones_are_not(client, sent):
    request = sent(subject="Ugovor o održavanju")
    public = rec(
        request, "answer", D(2026, 9, 5), answer_kind="full", channel="email", text="Hikvision"
    )
    assert found(client, "hikvision") == {request.pk}
    public.is_public = False
    public.save()
    fanout.requests_changed([request])
    assert found(client, "hikvision") == set()


@pytest.mark.django_db
def test_personal_data_and_internal_notes_are_never_searchable(client, sent):
    request = sent(
        subject="Javne nabavke",
        requester_name="Zorica Prodanović",
        requester_address="Svetogorska 17, Beograd",
        requester_phone="+381 64 999 1234",
        requester_email="zorica.tajno@example.net",
        internal_notes="Pozvati Dragoslava sutra",
    )
    assert found(client, "nabavke") == {request.pk}
    for query in ("Prodanović", "Svetogorska", "999", "zorica", "Dragoslava", "pozvati"):
        assert found(client, query) == set(), query


@pytest.mark.django_db
def test_an_empty_or_function_word_query_does_not_filter(client, sent):
    one, two = sent(subject="Prvi"), sent(subject="Drugi")
    assert found(client, "") == {one.pk, two.pk}
    assert found(client, "i u na") == {one.pk, two.pk}


@postgres_only
@pytest.mark.django_db
def test_postgres_search_uses_the_gin_index(sent):
    sent(subject="Nabavka kamera")
    with connection.cursor() as cursor:
        # On a table this small the planner may prefer a scan; forbid plain scans to see that
        # the GIN index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = search_filter(RequestFacts.objects.all(), "kamere").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "stats_requestsearch_vector_gin" in plan


@postgres_only
@pytest.mark.django_db
def test_postgres_stores_a_tsvector_of_the_folded_stems(sent, city):
    request = sent(authority=city, subject="Kamere na trgovima")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT vector::text FROM stats_requestsearch WHERE request_id = %s", [request.pk]
        )
        vector = cursor.fetchone()[0]
    assert "'kamer'" in vector and "'cacak'" in vector and "'trg'" in vector
