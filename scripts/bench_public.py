#!/usr/bin/env python
"""Benchmark of the public pages at scale (PostgreSQL only).

Creates (or reuses) a separate database, fills it in bulk with SQL — authorities, requests, their
events, deadlines, refusal grounds, appeals, the facts and search tables — rebuilds the rollups,
then times the public pages in-process with Django's test client and prints p50/p95 server time:
the log's first page and a deep page, a search, a filtered log, a request page, the busiest
authority's page and the dashboard; and the dashboard divided by the time of one hand-written SQL
statement that produces the same numbers from the same tables (the floor).

    .venv/bin/python scripts/bench_public.py                      # 1,000,000 requests
    .venv/bin/python scripts/bench_public.py --requests 100000    # smaller: appeals scale to 20 %
    .venv/bin/python scripts/bench_public.py --keep               # time again, keep the data

Options: --server (default postgres://postgres@127.0.0.1:5432), --db (default foia_public_bench),
--authorities (5000), --appeals (a fifth of the requests), --runs (30 timed requests per page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUBJECTS = [
    ("Nabavka kamera za video nadzor", "Ugovor o nabavci kamera i spisak lokacija."),
    ("Budžet grada za 2024. godinu", "Izvršenje budžeta po programima."),
    ("Ugovor o održavanju javne rasvete", "Kopija ugovora i aneksa."),
    ("Javne nabavke službenih vozila", "Spisak vozila i cene."),
    ("Lokacije kamera sa prepoznavanjem lica", "Spisak lokacija kamera i procena uticaja."),
    ("Zapisnici sa sednica veća", "Zapisnici za prethodnu godinu."),
    ("Plate zaposlenih u upravi", "Broj zaposlenih i ukupne zarade."),
    ("Projekat Sigurni grad", "Sporazum o saradnji i tehnička specifikacija."),
    ("Studija uticaja na životnu sredinu", "Studija i mišljenja nadležnih organa."),
    ("Subvencije privrednim društvima", "Spisak korisnika subvencija."),
    ("Troškovi reprezentacije", "Računi i izveštaji o troškovima."),
    ("Evidencija o zahtevima za pristup informacijama", "Broj primljenih zahteva."),
]
PLACES = [
    "Beograd",
    "Novi Sad",
    "Niš",
    "Kragujevac",
    "Subotica",
    "Čačak",
    "Kraljevo",
    "Šabac",
    "Valjevo",
    "Užice",
    "Zrenjanin",
    "Pančevo",
    "Sombor",
    "Leskovac",
    "Vranje",
    "Zaječar",
    "Pirot",
    "Kruševac",
    "Jagodina",
    "Loznica",
    "Kikinda",
    "Vršac",
    "Požarevac",
    "Bor",
    "Inđija",
    "Ruma",
    "Bečej",
    "Vrbas",
    "Paraćin",
    "Ćuprija",
    "Negotin",
    "Priboj",
    "Tutin",
]
ANSWER_TEXT = "Dostavljamo tražene informacije, ugovor i spisak lokacija kamera."
KINDS = [  # (kind, share, name pattern)
    ("ministry", 0.02, "Ministarstvo za oblast {i}"),
    ("city", 0.15, "Grad {place} {i}"),
    ("municipality", 0.40, "Opština {place} {i}"),
    ("public_enterprise", 0.20, 'JKP "Komunalac" {place} {i}'),
    ("institution", 0.15, "Dom zdravlja {place} {i}"),
    ("state_company", 0.08, "Državno preduzeće {i}"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--authorities", type=int, default=5000)
    parser.add_argument("--appeals", type=int, default=None, help="default: requests / 5")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="foia_public_bench")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the data already generated")
    return parser.parse_args()


def log(message: str) -> None:
    print(message, flush=True)


# --- the database ---------------------------------------------------------------------------------


def recreate_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(server: str, name: str) -> None:
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "False"  # no query log kept in memory
    os.environ.setdefault("VAR_DIR", str(ROOT / "var"))
    import django

    django.setup()


# --- generating the data ----------------------------------------------------------------------


def generate(n: int, authorities: int, appeals: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from foia import text as search
    from foia.stats import rollups

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    cursor = connection.cursor()
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '256MB'")
    cursor.execute("SET work_mem = '64MB'")
    started = time.perf_counter()

    # Columns added to the models after this generator was written get a neutral value instead
    # of failing the bulk inserts (blank text, false, 0, empty JSON); removed again at the end.
    cursor.execute(
        """
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND is_nullable = 'NO' AND column_default IS NULL
          AND (table_name LIKE 'foia\\_%%' OR table_name LIKE 'stats\\_%%')
          AND data_type IN ('text', 'character varying', 'boolean', 'integer', 'smallint',
                            'bigint', 'jsonb')
        """
    )
    neutral = {"boolean": "false", "jsonb": "'{}'::jsonb", "text": "''", "character varying": "''"}
    defaulted = cursor.fetchall()
    for table, column, kind in defaulted:
        if column == "id":
            continue
        value = neutral.get(kind, "0")
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET DEFAULT {value}')

    cursor.execute(
        "INSERT INTO foia_organization (id, name, slug, address, email, website, created_at) "
        "VALUES (1, 'Bench NGO', 'bench', '', '', '', now())"
    )
    cursor.execute(
        "INSERT INTO foia_campaign (id, title, description, is_public, created_at, organization_id, "
        "build_state, build_total, build_done, build_error, build_plan) "
        "VALUES (1, 'Kamere u lokalnim samoupravama', '', true, now(), 1, 'done', 0, 0, '', '{}')"
    )

    # Authorities, with their search terms computed by the same Python analysis as the app's.
    rng = random.Random(42)
    rows, terms = [], []
    weights = [share for _k, share, _p in KINDS]
    for i in range(1, authorities + 1):
        kind, _share, pattern = rng.choices(KINDS, weights)[0]
        place = rng.choice(PLACES)
        name = pattern.format(i=i, place=place)
        rows.append((i, name, kind, place))
        terms.append((i, search.document(name, "", place)))
    with cursor.cursor.copy(
        "COPY foia_authority (id, name, short_name, kind, address, place, email, website, active, "
        "appeal_route_override, search_key, created_at, updated_at) FROM STDIN"
    ) as copy:
        for i, name, kind, place in rows:
            key = search.name_key(name, "", place)
            copy.write_row((i, name, "", kind, place, place, "", "", True, "", key, today, today))
    cursor.execute("CREATE TEMP TABLE bench_terms (authority_id bigint PRIMARY KEY, terms text)")
    with cursor.cursor.copy("COPY bench_terms FROM STDIN") as copy:
        for row in terms:
            copy.write_row(row)
    cursor.execute(
        "CREATE TEMP TABLE bench_subjects (idx int PRIMARY KEY, subject text, info text, doc text)"
    )
    with cursor.cursor.copy("COPY bench_subjects FROM STDIN") as copy:
        for idx, (subject, info) in enumerate(SUBJECTS):
            copy.write_row((idx, subject, info, search.document(subject, info)))
    log(f"  {authorities} authorities")

    # One scenario row per request: who, what, when, and what happened (all from random()).
    silence_appeal_share = max(0.0, min(1.0, (appeals / n - 0.08 * 0.8 - 0.10 * 0.3) / 0.15))
    cursor.execute("SELECT setseed(0.42)")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE bench_s AS
        SELECT i AS id,
               1 + floor({authorities} * power(random(), 1.7))::int AS authority_id,
               floor(random() * {len(SUBJECTS)})::int AS subj,
               -- Ids grow with time, as they do in production (with a few days' jitter).
               LEAST(%(today)s::date - 2900 + floor((i - 1) * 2900.0 / {n} + random() * 10 - 5)::int,
                     %(today)s::date - 1) AS sent_on,
               random() AS ro, random() AS rv, random() AS ra, random() AS rd, random() AS rg
        FROM generate_series(1, {n}) AS i
        """,
        {"today": today},
    )
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_o AS
        SELECT s.*,
          CASE WHEN s.sent_on > %(today)s::date - 16 THEN 'waiting'
               WHEN ro < 0.45 THEN 'full' WHEN ro < 0.55 THEN 'partial'
               WHEN ro < 0.65 THEN 'refused' WHEN ro < 0.68 THEN 'not_held'
               WHEN ro < 0.70 THEN 'dismissed' WHEN ro < 0.72 THEN 'already_published'
               WHEN ro < 0.87 THEN 'silent' WHEN ro < 0.92 THEN 'late'
               ELSE 'extended' END AS scenario
        FROM bench_s s
        """,
        {"today": today},
    )
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench_r AS
        SELECT o.*,
          CASE WHEN scenario = 'extended' THEN sent_on + 40 ELSE sent_on + 15 END AS due_on,
          CASE WHEN scenario IN ('waiting', 'silent') THEN NULL
               WHEN scenario = 'late' THEN LEAST(sent_on + 16 + floor(rd * 30)::int, %(today)s::date - 1)
               WHEN scenario = 'extended' THEN LEAST(sent_on + 16 + floor(rd * 24)::int, %(today)s::date - 1)
               ELSE sent_on + 1 + floor(rd * 14)::int END AS answered_on,
          CASE WHEN rv < 0.94 THEN 'public' WHEN rv < 0.97 THEN 'private' ELSE 'embargoed' END
            AS visibility,
          CASE WHEN scenario = 'refused' THEN (CASE WHEN rg < 0.4 THEN 'art9_3' WHEN rg < 0.6 THEN 'art14'
               WHEN rg < 0.75 THEN 'art9_5' WHEN rg < 0.85 THEN 'art8' WHEN rg < 0.92 THEN 'art9_2'
               ELSE 'art9_4' END)
               WHEN scenario = 'partial' THEN (CASE WHEN rg < 0.5 THEN 'art14' ELSE 'art9_3' END)
               END AS ground1,
          (scenario = 'refused' AND rd < 0.3 AND rg >= 0.6) AS ground_14_too,
          (sent_on < %(today)s::date - 90 AND (
              (scenario = 'refused' AND ra < 0.8) OR (scenario = 'partial' AND ra < 0.3)
              OR (scenario = 'silent' AND ra < %(silence)s))) AS appealed
        FROM bench_o o
        """,
        {"today": today, "silence": silence_appeal_share},
    )
    cursor.execute(
        """
        CREATE UNLOGGED TABLE bench AS
        SELECT r.*, a.kind AS authority_kind,
          CASE WHEN NOT appealed THEN NULL WHEN scenario = 'silent' THEN due_on + 5 + floor(rd * 30)::int
               ELSE answered_on + 5 END AS appealed_on,
          CASE WHEN visibility = 'embargoed' THEN sent_on + 365 END AS embargo_until
        FROM bench_r r JOIN foia_authority a ON a.id = r.authority_id
        """
    )
    cursor.execute(
        """
        ALTER TABLE bench ADD COLUMN decided_on date, ADD COLUMN c_outcome text,
                          ADD COLUMN compliance text;
        UPDATE bench SET decided_on = appealed_on + 20 + floor(rg * 70)::int
          WHERE appealed AND ra < 0.7 * (CASE WHEN scenario = 'silent' THEN %(silence)s ELSE 0.8 END);
        UPDATE bench SET decided_on = NULL WHERE decided_on >= %(today)s::date;
        UPDATE bench SET c_outcome = CASE WHEN rg < 0.35 THEN 'ordered' WHEN rg < 0.55 THEN 'rejected'
            WHEN rg < 0.65 THEN 'annulled' WHEN rg < 0.85 THEN 'suspended' ELSE 'dismissed' END
          WHERE decided_on IS NOT NULL;
        UPDATE bench SET compliance = CASE WHEN rd < 0.5 THEN 'complied' WHEN rd < 0.7 THEN 'partly'
            ELSE 'not' END
          WHERE c_outcome = 'ordered' AND decided_on < %(today)s::date - 20 AND rv < 0.6;
        ALTER TABLE bench ADD PRIMARY KEY (id);
        ANALYZE bench;
        """,
        {"today": today, "silence": silence_appeal_share},
    )
    log(f"  scenarios ready ({time.perf_counter() - started:.0f}s)")

    status = """
      CASE WHEN compliance = 'complied' THEN 'complied' WHEN compliance = 'partly' THEN 'partly_complied'
           WHEN compliance = 'not' THEN 'not_complied'
           WHEN c_outcome = 'ordered' THEN 'ordered' WHEN c_outcome = 'rejected' THEN 'appeal_rejected'
           WHEN c_outcome = 'dismissed' THEN 'appeal_dismissed' WHEN c_outcome = 'suspended' THEN 'appeal_suspended'
           WHEN c_outcome = 'annulled' THEN 'awaiting_answer'
           WHEN appealed THEN 'appealed'
           WHEN scenario IN ('full', 'late', 'extended', 'already_published') THEN 'answered'
           WHEN scenario = 'partial' THEN 'partially_answered' WHEN scenario = 'refused' THEN 'refused'
           WHEN scenario = 'not_held' THEN 'not_held' WHEN scenario = 'dismissed' THEN 'dismissed'
           ELSE 'awaiting_answer' END"""
    cursor.execute(
        f"""
        INSERT INTO foia_request (id, subject, information_sought, want_notice, want_inspection,
          want_copy, copy_delivery, copy_delivery_other, urgent, urgent_reason, our_reference,
          their_reference, sent_on, sent_via, received_on, received_presumed, status,
          requester_name, requester_address, requester_phone, requester_email, internal_notes,
          visibility, embargo_until, created_at, updated_at, authority_id, campaign_id,
          organization_id)
        SELECT b.id, t.subject, t.info, false, false, true, 'email', '', false, '', 'B-' || b.id,
          '', b.sent_on, 'email', b.sent_on, false, {status},
          'Ime Prezime', 'Ulica 1, Beograd', '+381 60 000 0000', 'privatno@example.net',
          'Interna beleška', b.visibility, b.embargo_until, now(), now(), b.authority_id,
          CASE WHEN b.subj = 4 AND b.authority_kind IN ('city', 'municipality') THEN 1 END, 1
        FROM bench b JOIN bench_subjects t ON t.idx = b.subj
        """
    )
    log(f"  {n} requests ({time.perf_counter() - started:.0f}s)")

    event_columns = (
        "kind, occurred_on, received_on, presumed, channel, text, answer_kind, published_where, "
        "reason, decision_number, appeal_ground, case_number, commissioner_outcome, "
        "dismissal_reason, compliance_result, court_outcome, flags, is_public, recorded_at, "
        "request_id, decision_date, new_due_on, period_days"
    )

    def events(select: str, params: dict | None = None) -> None:
        cursor.execute(f"INSERT INTO foia_event ({event_columns}) {select}", params)

    events(
        "SELECT 'sent', sent_on, sent_on, false, 'email', '', '', '', '', '', '', '', '', '', '', "
        "'', '[]'::jsonb, true, now(), id, NULL, NULL, NULL FROM bench ORDER BY id"
    )
    events(
        "SELECT 'extension', sent_on + 6, sent_on + 6, false, 'email', 'Produženje roka.', '', '', "
        "'Obimna dokumentacija.', '', '', '', '', '', '', '', '[]'::jsonb, true, now(), id, NULL, "
        "sent_on + 40, NULL FROM bench WHERE scenario = 'extended'"
    )
    events(
        """SELECT CASE scenario WHEN 'refused' THEN 'refusal' WHEN 'dismissed' THEN 'dismissal'
                  ELSE 'answer' END,
             answered_on, answered_on, false, 'email',
             CASE scenario WHEN 'refused' THEN 'Rešenje o odbijanju: javna bezbednost.'
                  ELSE %(answer)s END,
             CASE scenario WHEN 'partial' THEN 'partial' WHEN 'not_held' THEN 'not_held'
                  WHEN 'already_published' THEN 'already_published'
                  WHEN 'refused' THEN '' WHEN 'dismissed' THEN '' ELSE 'full' END,
             CASE scenario WHEN 'already_published' THEN 'Službeni glasnik' ELSE '' END, '',
             CASE WHEN scenario IN ('refused', 'dismissed') THEN 'R-' || id ELSE '' END,
             '', '', '', '', '', '', '[]'::jsonb, true, now(), id,
             CASE WHEN scenario IN ('refused', 'dismissed') THEN answered_on END, NULL, NULL
           FROM bench WHERE answered_on IS NOT NULL""",
        {"answer": ANSWER_TEXT},
    )
    cursor.execute(
        """INSERT INTO foia_eventground (ground, note, event_id)
           SELECT b.ground1, '', e.id FROM bench b
           JOIN foia_event e ON e.request_id = b.id AND e.kind IN ('refusal', 'answer')
           WHERE b.ground1 IS NOT NULL
           UNION ALL
           SELECT 'art14', '', e.id FROM bench b
           JOIN foia_event e ON e.request_id = b.id AND e.kind = 'refusal'
           WHERE b.ground_14_too AND b.ground1 <> 'art14'"""
    )
    events(
        """SELECT 'appeal_filed', appealed_on, appealed_on, false, 'email', 'Žalba Povereniku.',
             '', '', '', '', CASE scenario WHEN 'silent' THEN 'silence' WHEN 'partial' THEN 'partial'
             ELSE 'refusal' END, '', '', '', '', '', '[]'::jsonb, true, now(), id, NULL, NULL, NULL
           FROM bench WHERE appealed"""
    )
    events(
        """SELECT 'commissioner_decision', decided_on, decided_on, false, 'email',
             'Rešenje Poverenika.', '', '', '', '071-01-' || id, '', '', c_outcome,
             CASE c_outcome WHEN 'dismissed' THEN 'premature' ELSE '' END, '', '', '[]'::jsonb,
             true, now(), id, decided_on, NULL, CASE c_outcome WHEN 'ordered' THEN 5 END
           FROM bench WHERE decided_on IS NOT NULL"""
    )
    events(
        """SELECT 'compliance', decided_on + 10, NULL, false, '', '', '', '', '', '', '', '', '',
             '', compliance, '', '[]'::jsonb, true, now(), id, NULL, NULL, NULL
           FROM bench WHERE compliance IS NOT NULL"""
    )
    cursor.execute("SELECT count(*), count(*) FILTER (WHERE kind = 'appeal_filed') FROM foia_event")
    total_events, total_appeals = cursor.fetchone()
    log(f"  {total_events} events, {total_appeals} appeals ({time.perf_counter() - started:.0f}s)")

    cursor.execute(
        """INSERT INTO foia_deadline (kind, source_key, party, due_on, legal_basis, presumed, state,
             met_on, note, updated_at, request_id)
           SELECT CASE scenario WHEN 'extended' THEN 'extended_response' ELSE 'response' END, '',
             'authority', due_on, 'ZSPIJZ Art. 16(1): 15 days from receipt of the request', false,
             CASE WHEN answered_on IS NULL AND due_on >= %(today)s::date THEN 'open'
                  WHEN answered_on IS NOT NULL AND answered_on <= due_on THEN 'met' ELSE 'missed' END,
             answered_on, '', now(), id
           FROM bench
           UNION ALL
           SELECT 'commissioner_decision', 'b', 'commissioner', appealed_on + 60,
             'ZSPIJZ Art. 24: the Commissioner decides within 60 days of receipt', false,
             CASE WHEN decided_on IS NULL AND appealed_on + 60 >= %(today)s::date THEN 'open'
                  WHEN decided_on IS NOT NULL AND decided_on <= appealed_on + 60 THEN 'met'
                  ELSE 'missed' END,
             decided_on, '', now(), id
           FROM bench WHERE appealed""",
        {"today": today},
    )
    log(f"  deadlines ({time.perf_counter() - started:.0f}s)")

    grounds = ", ".join(
        f"(coalesce(ground1 = '{code}', false) OR ('{code}' = 'art14' AND ground_14_too))"
        for code in (
            "art8",
            "art9_1",
            "art9_2",
            "art9_3",
            "art9_4",
            "art9_5",
            "art9_6",
            "art9_7",
            "art10",
            "art14",
            "other",
        )
    )
    cursor.execute(
        f"""
        INSERT INTO stats_requestfacts (request_id, authority_id, authority_kind, organization_id,
          campaign_id, status, visibility, embargo_until, public_from, sent_on, received_on, year,
          answer_due_on, first_answer_on, answer_days, answered_in_time, outcome,
          ground_art8, ground_art9_1, ground_art9_2, ground_art9_3, ground_art9_4, ground_art9_5,
          ground_art9_6, ground_art9_7, ground_art10, ground_art14, ground_other,
          appealed, appealed_on, appeal_ground, commissioner_due_on, commissioner_outcome,
          commissioner_decided_on, commissioner_days, commissioner_in_time, ordered,
          compliance_result, in_court, last_response_on, updated_at)
        SELECT b.id, b.authority_id, b.authority_kind, 1, r.campaign_id, r.status, b.visibility,
          b.embargo_until,
          CASE b.visibility WHEN 'public' THEN DATE '0001-01-01'
               WHEN 'embargoed' THEN b.embargo_until END,
          b.sent_on, b.sent_on, extract(year FROM b.sent_on), b.due_on, b.answered_on,
          b.answered_on - b.sent_on, CASE WHEN b.answered_on IS NOT NULL THEN b.answered_on <= b.due_on END,
          CASE WHEN b.answered_on IS NULL THEN 'none'
               WHEN b.scenario IN ('late', 'extended') THEN 'full' ELSE b.scenario END,
          {grounds},
          b.appealed, b.appealed_on,
          CASE WHEN NOT b.appealed THEN '' WHEN b.scenario = 'silent' THEN 'silence'
               WHEN b.scenario = 'partial' THEN 'partial' ELSE 'refusal' END,
          CASE WHEN b.appealed THEN b.appealed_on + 60 END, coalesce(b.c_outcome, ''),
          b.decided_on, b.decided_on - b.appealed_on,
          CASE WHEN b.decided_on IS NOT NULL THEN b.decided_on <= b.appealed_on + 60 END,
          coalesce(b.c_outcome = 'ordered', false), coalesce(b.compliance, ''), false,
          GREATEST(b.answered_on, b.decided_on, b.decided_on + 10 * (b.compliance IS NOT NULL)::int,
                   CASE WHEN b.scenario = 'extended' THEN b.sent_on + 6 END),
          now()
        FROM bench b JOIN foia_request r ON r.id = b.id
        """
    )
    cursor.execute(
        """INSERT INTO stats_requestsearch (request_id, document, authority_terms)
           SELECT b.id, t.doc || CASE WHEN b.answered_on IS NOT NULL
                  THEN ' ' || %(answer)s ELSE '' END,
                  a.terms
           FROM bench b JOIN bench_subjects t ON t.idx = b.subj
           JOIN bench_terms a ON a.authority_id = b.authority_id""",
        {"answer": search.document(ANSWER_TEXT)},
    )
    log(f"  facts and search documents ({time.perf_counter() - started:.0f}s)")
    for table in (
        "foia_authority",
        "foia_request",
        "foia_event",
        "foia_eventground",
        "foia_deadline",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    cursor.execute("DROP TABLE bench_s, bench_o, bench_r, bench")
    counts = rollups.rebuild()
    log(f"  rollups {counts} ({time.perf_counter() - started:.0f}s)")
    old = connection.get_autocommit()
    connection.set_autocommit(True)
    cursor = connection.cursor()
    for table, column, _kind in defaulted:
        if column != "id":
            cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" DROP DEFAULT')
    cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(old)
    log(f"  vacuum analyze done ({time.perf_counter() - started:.0f}s)")


# --- timing -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_call(fn, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def floor_sql(counter_sql: dict[str, str]) -> str:
    """One statement computing the dashboard's numbers from the same tables, by hand."""
    names = list(counter_sql)
    sums = ", ".join(f"sum({c}) AS {c}" for c in names)
    zeros = ", ".join(f"0 AS {c}" for c in names)
    counts = ", ".join(f"count(*) FILTER (WHERE {cond}) AS {c}" for c, cond in counter_sql.items())
    z, z2 = 1.959963984540054, 1.959963984540054**2
    wilson = (
        "(k / d + {z2} / (2 * d) {sign} {z} * sqrt((k / d) * (1 - k / d) / d + {z2} / (4 * d * d)))"
        " / (1 + {z2} / d)"
    )
    lo = wilson.format(z=z, z2=z2, sign="-")
    hi = wilson.format(z=z, z2=z2, sign="+")
    return f"""
    WITH
    live_settled AS (
      SELECT authority_kind, date_trunc('month', sent_on)::date AS m,
        count(*) FILTER (WHERE first_answer_on IS NULL AND answer_due_on >= %(jan1)s
                               AND answer_due_on < %(today)s) AS silent,
        count(*) FILTER (WHERE appealed AND commissioner_outcome = ''
                               AND commissioner_due_on >= %(jan1)s
                               AND commissioner_due_on < %(today)s) AS overdue
      FROM stats_requestfacts
      WHERE public_from < %(jan1)s
        AND ((first_answer_on IS NULL AND answer_due_on >= %(jan1)s AND answer_due_on < %(today)s)
          OR (appealed AND commissioner_outcome = '' AND commissioner_due_on >= %(jan1)s
              AND commissioner_due_on < %(today)s))
      GROUP BY 1, 2),
    fresh AS (
      SELECT authority_kind, date_trunc('month', sent_on)::date AS m, {counts},
        count(*) FILTER (WHERE first_answer_on IS NULL AND answer_due_on < %(today)s) AS silent,
        count(*) FILTER (WHERE appealed AND commissioner_outcome = ''
                               AND commissioner_due_on < %(today)s) AS overdue
      FROM stats_requestfacts WHERE public_from >= %(jan1)s AND public_from <= %(today)s
      GROUP BY 1, 2),
    kinds AS (
      SELECT authority_kind, {sums},
        coalesce(sum(pending) FILTER (WHERE pending_year > 0 AND pending_year < %(year)s), 0)
          AS silent,
        coalesce(sum(appeals_pending)
          FILTER (WHERE appeal_due_year > 0 AND appeal_due_year < %(year)s), 0) AS overdue
      FROM stats_kindstats WHERE public_year < %(year)s GROUP BY 1
      UNION ALL SELECT authority_kind, {zeros}, silent, overdue FROM live_settled
      UNION ALL SELECT authority_kind, {", ".join(names)}, silent, overdue FROM fresh),
    kinds_total AS (SELECT authority_kind, {sums}, sum(silent) AS silent, sum(overdue) AS overdue
                    FROM kinds GROUP BY 1),
    hist AS (
      SELECT authority_kind, metric, days, sum(count) AS n FROM stats_kinddaysstats
      WHERE public_year < %(year)s AND count > 0 GROUP BY 1, 2, 3
      UNION ALL SELECT authority_kind, 'answer', answer_days, count(*) FROM stats_requestfacts
        WHERE public_from >= %(jan1)s AND public_from <= %(today)s AND answer_days IS NOT NULL
        GROUP BY 1, 3
      UNION ALL SELECT authority_kind, 'commissioner', commissioner_days, count(*)
        FROM stats_requestfacts
        WHERE public_from >= %(jan1)s AND public_from <= %(today)s
          AND commissioner_days IS NOT NULL GROUP BY 1, 3),
    hist_all AS (
      SELECT coalesce(authority_kind, '') AS kind, metric, days, sum(n) AS n FROM hist
      GROUP BY GROUPING SETS ((authority_kind, metric, days), (metric, days))),
    hc AS (
      SELECT kind, metric, days,
        sum(n) OVER (PARTITION BY kind, metric ORDER BY days) AS cum,
        sum(n) OVER (PARTITION BY kind, metric) AS total
      FROM hist_all),
    pct AS (
      SELECT kind, metric, p,
        min(days) FILTER (WHERE cum > floor(p * (total - 1))) AS lo,
        min(days) FILTER (WHERE cum > floor(p * (total - 1)) + 1) AS hi,
        p * (total - 1) - floor(p * (total - 1)) AS frac
      FROM hc CROSS JOIN (VALUES (0.5::float8), (0.9::float8)) AS ps(p)
      GROUP BY kind, metric, p, total),
    parts AS (
      SELECT authority_id, requests AS n, on_time AS k,
        on_time + late
          + CASE WHEN pending_year > 0 AND pending_year < %(year)s THEN pending ELSE 0 END AS d
      FROM stats_authoritystats WHERE public_year < %(year)s
      UNION ALL SELECT authority_id, 0, 0, 1 FROM stats_requestfacts
        WHERE public_from < %(jan1)s AND first_answer_on IS NULL
          AND answer_due_on >= %(jan1)s AND answer_due_on < %(today)s
      UNION ALL SELECT authority_id, 1, (answered_in_time IS TRUE)::int,
        (answered_in_time IS NOT NULL OR (first_answer_on IS NULL AND answer_due_on < %(today)s))::int
        FROM stats_requestfacts WHERE public_from >= %(jan1)s AND public_from <= %(today)s),
    totals AS (SELECT authority_id, sum(n) AS n, sum(k)::float8 AS k, sum(d)::float8 AS d
               FROM parts GROUP BY 1),
    scored AS (SELECT authority_id, n, k, d, {lo} AS lo, {hi} AS hi FROM totals WHERE d >= %(min)s),
    best AS (SELECT * FROM scored ORDER BY lo DESC, hi DESC, authority_id LIMIT 10),
    worst AS (SELECT * FROM scored ORDER BY lo, hi, authority_id DESC LIMIT 10),
    months AS (
      SELECT month AS m, sum(requests) AS requests, sum(on_time) AS on_time, sum(late) AS late,
        coalesce(sum(pending) FILTER (WHERE pending_year > 0 AND pending_year < %(year)s), 0)
          AS silent
      FROM stats_kindmonthstats WHERE public_year < %(year)s GROUP BY 1
      UNION ALL SELECT m, 0, 0, 0, silent FROM live_settled
      UNION ALL SELECT m, requests, on_time, late, silent FROM fresh),
    months_total AS (SELECT m, sum(requests) AS requests, sum(on_time) AS on_time,
                     sum(late) AS late, sum(silent) AS silent FROM months GROUP BY 1)
    SELECT json_build_object(
      'kinds', (SELECT json_agg(kinds_total) FROM kinds_total),
      'percentiles', (SELECT json_agg(json_build_object('kind', kind, 'metric', metric, 'p', p,
          'value', lo + frac * (coalesce(hi, lo) - lo))) FROM pct),
      'ranked', (SELECT count(*) FROM scored),
      'best', (SELECT json_agg(json_build_object('id', b.authority_id, 'name', a.name, 'lo', b.lo)
          ORDER BY b.lo DESC, b.hi DESC, b.authority_id)
          FROM best b JOIN foia_authority a ON a.id = b.authority_id),
      'worst', (SELECT json_agg(json_build_object('id', w.authority_id, 'name', a.name, 'lo', w.lo)
          ORDER BY w.lo, w.hi, w.authority_id DESC)
          FROM worst w JOIN foia_authority a ON a.id = w.authority_id),
      'months', (SELECT json_agg(months_total ORDER BY m) FROM months_total))
    """


def counter_sql() -> dict[str, str]:
    """Each counter's condition in SQL (the same as foia.stats.rollups.COUNTERS)."""
    grounds = {
        f"ground_{code}": f"ground_{code}"
        for code in (
            "art8",
            "art9_1",
            "art9_2",
            "art9_3",
            "art9_4",
            "art9_5",
            "art9_6",
            "art9_7",
            "art10",
            "art14",
            "other",
        )
    }
    outcomes = {
        f"outcome_{o}": f"outcome = '{o}'"
        for o in ("full", "partial", "refused", "not_held", "dismissed", "already_published")
    }
    commissioner = {
        f"commissioner_{o}": f"commissioner_outcome = '{o}'"
        for o in ("ordered", "rejected", "annulled", "suspended", "dismissed")
    }
    return {
        "requests": "true",
        "answered": "first_answer_on IS NOT NULL",
        "on_time": "answered_in_time",
        "late": "NOT answered_in_time",
        "pending": "first_answer_on IS NULL AND answer_due_on IS NOT NULL",
        **outcomes,
        **grounds,
        "appealed": "appealed",
        "silence_appeals": "appeal_ground = 'silence'",
        "appeals_pending": "appealed AND commissioner_outcome = '' AND commissioner_due_on IS NOT NULL",
        "commissioner_decided": "commissioner_outcome <> ''",
        **commissioner,
        "commissioner_in_time": "commissioner_in_time",
        "commissioner_late": "NOT commissioner_in_time",
        "orders": "ordered",
        "complied": "compliance_result = 'complied'",
        "partly_complied": "compliance_result = 'partly'",
        "not_complied": "compliance_result = 'not'",
        "in_court": "in_court",
    }


NAIVE_SQL = """
SELECT authority_kind, count(*),
  count(*) FILTER (WHERE answered_in_time), count(*) FILTER (WHERE NOT answered_in_time),
  count(*) FILTER (WHERE first_answer_on IS NULL AND answer_due_on < %(today)s),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_days),
  percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_days),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY commissioner_days),
  {counts}
FROM stats_requestfacts WHERE public_from <= %(today)s GROUP BY ROLLUP (authority_kind)
"""


def measure(runs: int) -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from foia.models import Request
    from foia.stats import figures, rollups
    from foia.stats.models import RequestFacts

    today = timezone.localdate()
    client = Client(HTTP_HOST="127.0.0.1")
    facts = RequestFacts.objects.filter(public_from__lte=today)
    total = facts.count()
    pages = math.ceil(total / settings.PUBLIC_PAGE_SIZE)
    deep = min(2000, pages)
    busiest = facts.values("authority_id").annotate(n=Count("pk")).order_by("-n").first()
    rich = list(
        facts.filter(appealed=True, commissioner_outcome="ordered")
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    rng = random.Random(7)
    log(
        f"\nData: {Request.objects.count():,} requests ({total:,} published), "
        f"busiest authority #{busiest['authority_id']} with {busiest['n']:,} published requests; "
        f"timing {runs} runs after 3 warm-up runs, in-process (Django test client, DEBUG off).\n"
    )

    def page(url: str):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    def request_page():
        pk = rng.choice(rich)
        response = client.get(f"/requests/{pk}/")
        assert response.status_code == 200

    year = today.year - 1
    cases = [
        ("home page", page("/")),
        ("log, first page", page("/requests/")),
        (f"log, deep page ({deep})", page(f"/requests/?page={deep}")),
        ("search ?q=kamere", page("/requests/?q=kamere")),
        ("search ?q=Čačak budžet", page("/requests/?q=%C4%8Ca%C4%8Dak+bud%C5%BEet")),
        (
            f"filtered log (city, refused, {year})",
            page(f"/requests/?kind=city&outcome=refused&year={year}"),
        ),
        ("request page (with appeal)", request_page),
        ("authority page (busiest)", page(f"/authorities/{busiest['authority_id']}/")),
        ("dashboard", page("/dashboard/")),
        ("dashboard, one kind (city)", page("/dashboard/?kind=city")),
    ]
    results = {}
    log(f"{'page':<40} {'p50 ms':>9} {'p95 ms':>9}")
    for name, fn in cases:
        times = time_call(fn, runs)
        results[name] = times
        log(f"{name:<40} {percentile(times, 0.5):>9.1f} {percentile(times, 0.95):>9.1f}")

    conditions = counter_sql()
    assert list(conditions) == list(rollups.COUNTER_NAMES), "keep the SQL in step"
    sql = floor_sql(conditions)
    params = {
        "today": today,
        "jan1": dt.date(today.year, 1, 1),
        "year": today.year,
        "min": max(settings.PUBLIC_RANKING_MIN_REQUESTS, 1),
    }

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    floor_times = time_call(floor, runs)
    data = floor()
    data = json.loads(data) if isinstance(data, str) else data
    board = figures.dashboard(today)
    requests = sum(k["requests"] for k in data["kinds"])
    silent = sum(k["silent"] for k in data["kinds"])
    median = next(
        p["value"]
        for p in data["percentiles"]
        if p["kind"] == "" and p["metric"] == "answer" and p["p"] == 0.5
    )
    agrees = (
        requests == board.overall.requests
        and silent == board.overall.silent
        and math.isclose(median, board.overall.median_days)
        and [b["id"] for b in data["best"]] == [r.authority_id for r in board.best]
        and data["ranked"] == board.ranked
    )
    dash = results["dashboard"]
    log(
        f"{'floor: one hand-written SQL statement':<40} {percentile(floor_times, 0.5):>9.1f} {percentile(floor_times, 0.95):>9.1f}"
    )
    log(
        f"\ndashboard / floor: p50 {percentile(dash, 0.5) / percentile(floor_times, 0.5):.2f}x, "
        f"p95 {percentile(dash, 0.95) / percentile(floor_times, 0.95):.2f}x "
        f"(the floor's numbers {'agree' if agrees else 'DO NOT agree'} with the dashboard's: "
        f"{requests:,} requests, {silent:,} silent, median {median} days)"
    )

    counts = ", ".join(f"count(*) FILTER (WHERE {cond})" for cond in conditions.values())
    naive = NAIVE_SQL.format(counts=counts)

    def naive_run():
        with connection.cursor() as cursor:
            cursor.execute(naive, {"today": today})
            cursor.fetchall()

    naive_times = time_call(naive_run, max(3, runs // 5), warmup=1)
    log(
        f"for scale: the same figures by one aggregate over every facts row (no rollups): "
        f"p50 {percentile(naive_times, 0.5):.0f} ms"
    )
    slowest = max(percentile(t, 0.95) for t in results.values())
    log(f"slowest page p95: {slowest:.1f} ms (target ≤ 300 ms)")


def main() -> int:
    args = parse_args()
    appeals = args.appeals if args.appeals is not None else args.requests // 5
    if not args.keep:
        log(f"Creating database {args.db} on {args.server} …")
        recreate_database(args.server, args.db)
    setup_django(args.server, args.db)
    from django.db import connection

    if connection.vendor != "postgresql":
        log("The benchmark needs PostgreSQL.")
        return 2
    if not args.keep:
        log(
            f"Generating {args.requests:,} requests, {args.authorities:,} authorities, ~{appeals:,} appeals …"
        )
        started = time.perf_counter()
        generate(args.requests, args.authorities, appeals)
        log(f"Generated in {time.perf_counter() - started:.0f}s")
    measure(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
