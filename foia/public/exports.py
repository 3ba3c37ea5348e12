"""The public log as open data: CSV and JSON, streamed, honouring the log's filters.

Every column is documented in ``COLUMNS`` (shown on /data/). Only published requests; never the
requester's personal data or internal notes (they are not even selected).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from foia.csvsafe import safe_cell
from foia.models import Request
from foia.public import selectors
from foia.stats.models import GROUND_FIELDS, RequestFacts

# (column, description). The order is the CSV's.
COLUMNS = [
    ("id", _("The request's number; its page is /requests/<id>/.")),
    ("url", _("The request's public page.")),
    ("subject", _("The subject of the request.")),
    ("authority_id", _("The authority's number; its page is /authorities/<id>/.")),
    ("authority", _("The authority's name.")),
    ("authority_kind", _("The kind of authority (ministry, city, municipality, …), as a code.")),
    ("campaign_id", _("The public campaign the request belongs to, if any.")),
    ("status", _("Where the request stands, as a code (see the status filter of the log).")),
    ("sent_on", _("The day the request was sent (YYYY-MM-DD).")),
    ("received_on", _("The day the authority received it, recorded or presumed.")),
    ("answer_due_on", _("The last day for the answer (Art. 16), after any extension.")),
    (
        "first_answer_on",
        _(
            "The day of the first substantive answer (answer, refusal or dismissal; not an extension notice), as it left the authority."
        ),
    ),
    ("days_to_answer", _("Days from receipt to the first substantive answer.")),
    (
        "answered_in_time",
        _("true if the first answer came by its deadline, false if late, empty if none yet."),
    ),
    (
        "days_early_or_late",
        _(
            "Days before (positive) or after (negative) the deadline the answer came; for a request still unanswered, counted to the day of the export."
        ),
    ),
    (
        "silent_now",
        _("true if there is no answer and the deadline has passed, on the day of the export."),
    ),
    (
        "outcome",
        _(
            "The first answer: full, partial, refused, not_held, dismissed, already_published or none."
        ),
    ),
    (
        "refusal_grounds",
        _(
            "The legal grounds cited for withholding, separated by semicolons (art8, art9_1 … art9_7, art10, art14, other)."
        ),
    ),
    ("appealed", _("true if an appeal was filed.")),
    ("appealed_on", _("The day the first appeal was filed.")),
    ("appeal_ground", _("What the first appeal was against (silence, refusal, …).")),
    (
        "commissioner_outcome",
        _(
            "The Commissioner's first decision: ordered, rejected, annulled, suspended or dismissed."
        ),
    ),
    ("commissioner_decided_on", _("The date of that decision.")),
    ("commissioner_days", _("Days from the Commissioner's receipt of the appeal to its decision.")),
    (
        "commissioner_in_time",
        _("true if the Commissioner decided within its deadline (60 days, Art. 24)."),
    ),
    ("compliance_result", _("After an order: complied, partly or not.")),
    ("in_court", _("true if a lawsuit was filed at the Administrative Court.")),
    ("last_response_on", _("The day of the latest public response (answer, decision, …).")),
]
COLUMN_NAMES = [name for name, _description in COLUMNS]

FIELDS = (
    "request_id",
    "request__subject",
    "authority_id",
    "authority__name",
    "authority_kind",
    "campaign_id",
    "campaign__is_public",
    "status",
    "sent_on",
    "received_on",
    "answer_due_on",
    "first_answer_on",
    "answer_days",
    "answered_in_time",
    "outcome",
    *GROUND_FIELDS.values(),
    "appealed",
    "appealed_on",
    "appeal_ground",
    "commissioner_outcome",
    "commissioner_decided_on",
    "commissioner_days",
    "commissioner_in_time",
    "compliance_result",
    "in_court",
    "last_response_on",
)


def export_rows(facts: QuerySet[RequestFacts], on: dt.date, base_url: str) -> Iterator[dict]:
    """One dict per published request, in the filter's order, streamed from one query.

    A column whose timeline step is hidden on the public page (an event not marked public) is
    left empty, as the page shows nothing of it (``selectors.mask_hidden_steps``).
    """
    rows = selectors.with_step_visibility(
        facts.filter(request__in=Request.objects.published(on))
    ).values(*FIELDS, *STEP_VISIBILITY)
    request_path = reverse("public:request", args=[0]).rsplit("0/", 1)[0]
    for r in rows.iterator(chunk_size=2000):
        selectors.mask_hidden_steps(r)
        answer_hidden = "answer" in r["hidden_steps"]
        due = r["answer_due_on"]
        answered = r["first_answer_on"]
        row = {
            "id": r["request_id"],
            "url": f"{base_url}{request_path}{r['request_id']}/",
            "subject": r["request__subject"],
            "authority_id": r["authority_id"],
            "authority": r["authority__name"],
            "authority_kind": r["authority_kind"],
            "campaign_id": r["campaign_id"] if r["campaign__is_public"] else None,
            "status": r["status"],
            "sent_on": r["sent_on"],
            "received_on": r["received_on"],
            "answer_due_on": due,
            "first_answer_on": answered,
            "days_to_answer": r["answer_days"],
            "answered_in_time": r["answered_in_time"],
            "days_early_or_late": None
            if answer_hidden or not due
            else (due - (answered or on)).days,
            "silent_now": None
            if answer_hidden
            else bool(answered is None and due is not None and due < on),
            "outcome": r["outcome"],
            "refusal_grounds": [code for code, name in GROUND_FIELDS.items() if r[name]],
            "appealed": r["appealed"],
            "appealed_on": r["appealed_on"],
            "appeal_ground": r["appeal_ground"] or None,
            "commissioner_outcome": r["commissioner_outcome"] or None,
            "commissioner_decided_on": r["commissioner_decided_on"],
            "commissioner_days": r["commissioner_days"],
            "commissioner_in_time": r["commissioner_in_time"],
            "compliance_result": r["compliance_result"] or None,
            "in_court": r["in_court"],
            "last_response_on": r["last_response_on"],
        }
        yield row


STEP_VISIBILITY = (
    "receipt_hidden",
    "answer_public",
    "appeal_public",
    "decision_public",
    "compliance_public",
    "lawsuit_public",
)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMN_NAMES)
    for row in rows:
        yield writer.writerow([_csv_value(row[name]) for name in COLUMN_NAMES])


def _json_default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def json_chunks(rows: Iterator[dict], on: dt.date, documentation: str) -> Iterator[str]:
    yield json.dumps({"generated_on": on.isoformat(), "documentation": documentation})[:-1]
    yield ', "requests": ['
    first = True
    for row in rows:
        yield (
            ("" if first else ",")
            + "\n"
            + json.dumps(row, default=_json_default, ensure_ascii=False)
        )
        first = False
    yield "\n]}\n"
