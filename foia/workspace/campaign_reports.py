"""A campaign's downloads: the report (CSV, one row per request, and a PDF summary with the
charts) that the organisation can publish, and the letters of its drafts in one ZIP.

The report carries no personal data of the requester and no internal notes: it is meant to be
published. Cells go through ``foia.csvsafe`` so a spreadsheet never runs one as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from foia.csvsafe import csv_writer
from foia.models import (
    AuthorityKind,
    Campaign,
    CommissionerOutcome,
    ComplianceResult,
    RefusalGround,
    Request,
    RequestStatus,
)
from foia.stats.models import GROUND_FIELDS, Outcome
from foia.workspace import campaign_selectors

# A letter's PDF takes about a millisecond and 20 KB (letter_pdf): up to this many drafts one ZIP
# of PDFs (about 20 MB, a second or two); above, text letters in parts of LETTERS_PER_PART.
LETTERS_PDF_MAX = 1000
LETTERS_PER_PART = 500


class _Echo:
    def write(self, value: str) -> str:
        return value


def _yes(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def report_header() -> list[str]:
    return [
        _("request"),
        _("authority"),
        _("catalogue id"),
        _("kind"),
        _("place"),
        _("status"),
        _("sent on"),
        _("received on"),
        _("answer due on"),
        _("first answer on"),
        _("answered in time"),
        _("silent past the deadline"),
        _("outcome"),
        _("refusal grounds"),
        _("appealed on"),
        _("Commissioner's decision"),
        _("Commissioner decided on"),
        _("compliance"),
        _("in court"),
    ]


def report_rows(campaign: Campaign, *, today: dt.date) -> Iterator[list]:
    """One row per request of the campaign, drafts included, in one query (streamed)."""
    statuses = dict(RequestStatus.choices)
    outcomes = dict(Outcome.choices)
    kinds = dict(AuthorityKind.choices)
    commissioner = dict(CommissionerOutcome.choices)
    compliance = dict(ComplianceResult.choices)
    ground_columns = {f"facts__{name}": code for code, name in GROUND_FIELDS.items()}
    columns = [
        "pk",
        "authority__name",
        "authority__catalogue_id",
        "authority__kind",
        "authority__place",
        "status",
        "sent_on",
        "received_on",
        "facts__answer_due_on",
        "facts__first_answer_on",
        "facts__answered_in_time",
        "facts__outcome",
        "facts__appealed_on",
        "facts__commissioner_outcome",
        "facts__commissioner_decided_on",
        "facts__compliance_result",
        "facts__in_court",
        *ground_columns,
    ]
    rows = (
        Request.objects.filter(campaign=campaign)
        .order_by("authority__name", "pk")
        .values(*columns)
        .iterator(chunk_size=2000)
    )
    for r in rows:
        due, answered = r["facts__answer_due_on"], r["facts__first_answer_on"]
        grounds = [
            str(RefusalGround(code).label) for column, code in ground_columns.items() if r[column]
        ]
        yield [
            r["pk"],
            r["authority__name"],
            r["authority__catalogue_id"] or "",
            str(kinds.get(r["authority__kind"], r["authority__kind"])),
            r["authority__place"],
            str(statuses.get(r["status"], r["status"])),
            r["sent_on"] or "",
            r["received_on"] or "",
            due or "",
            answered or "",
            _yes(r["facts__answered_in_time"]),
            # The statistics' definition of silent (RequestFacts.is_silent), row by row.
            _yes(answered is None and due is not None and due < today) if due else "",
            str(outcomes.get(r["facts__outcome"], "")) if r["facts__outcome"] else "",
            "; ".join(grounds),
            r["facts__appealed_on"] or "",
            str(commissioner.get(r["facts__commissioner_outcome"], "")),
            r["facts__commissioner_decided_on"] or "",
            str(compliance.get(r["facts__compliance_result"], "")),
            _yes(r["facts__in_court"]) if r["facts__in_court"] is not None else "",
        ]


def report_csv(campaign: Campaign, *, today: dt.date) -> Iterator[str]:
    """The CSV report, line by line (UTF-8 with a BOM so Excel reads č ć š ž đ)."""
    writer = csv_writer(_Echo())
    yield "\ufeff" + writer.writerow(report_header())
    for row in report_rows(campaign, today=today):
        yield writer.writerow(row)


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"the report loads nothing from outside ({url})")


def report_pdf(campaign: Campaign, *, today: dt.date) -> bytes:
    """A one- or two-page summary: the figures, the charts and the tables behind them."""
    from weasyprint import HTML

    figures = campaign_selectors.campaign_figures(campaign, today=today)
    html = render_to_string(
        "workspace/campaign_report.html",
        {
            "campaign": campaign,
            "figures": figures,
            "charts": campaign_selectors.campaign_charts(figures),
            "counts": campaign_selectors.campaign_status_counts(campaign),
            "today": today,
        },
    )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def filename(campaign: Campaign, suffix: str) -> str:
    return f"{slugify(campaign.title)[:60] or 'campaign'}-{campaign.pk}-{suffix}"


def letter_parts(n_drafts: int) -> list[tuple[int, int, int]]:
    """(part, first, last) of the letters' downloads: one ZIP for a campaign of PDFs, parts of
    ``LETTERS_PER_PART`` text letters above (each part a download of seconds, not minutes)."""
    if n_drafts <= LETTERS_PDF_MAX:
        return [(1, 1, n_drafts)] if n_drafts else []
    return [
        (part, start + 1, min(start + LETTERS_PER_PART, n_drafts))
        for part, start in enumerate(range(0, n_drafts, LETTERS_PER_PART), start=1)
    ]


def letters_zip(campaign: Campaign, *, today: dt.date, part: int = 1) -> tuple[bytes, bool]:
    """The letters of the campaign's drafts, one file per authority; (zip bytes, as PDF).

    Up to ``LETTERS_PDF_MAX`` drafts each letter is a PDF, all in one ZIP; above, the editable
    text, ``LETTERS_PER_PART`` letters per ZIP (``part`` counts from 1)."""
    from foia.workspace import documents as docs

    drafts = (
        Request.objects.filter(campaign=campaign, status=RequestStatus.DRAFT)
        .select_related("authority", "organization")
        .order_by("authority__name", "pk")
    )
    as_pdf = drafts.count() <= LETTERS_PDF_MAX
    if not as_pdf:
        first = (max(part, 1) - 1) * LETTERS_PER_PART
        drafts = drafts[first : first + LETTERS_PER_PART]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for request in drafts:
            document = docs.build("request", request, today=today, options=docs.Options())
            name = f"{slugify(request.authority.name)[:80] or 'organ'}-{request.pk}"
            if as_pdf:
                archive.writestr(f"{name}.pdf", docs.to_pdf(document))
            else:
                archive.writestr(f"{name}.txt", docs.to_text(document).encode("utf-8"))
    return buffer.getvalue(), as_pdf
