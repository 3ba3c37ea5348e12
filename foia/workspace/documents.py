"""Generated documents: the request letter and the two appeals to the Commissioner.

The documents go to Serbian authorities, so their text is Serbian (Latin script) whatever the
interface language: the wording follows the official forms (see the domain brief, section 5) and
lives in ``templates/workspace/documents/*.txt``. Those templates use a tiny markup, so one source
gives both the editable text and the PDF:

    # Title line          centred heading
    > Line                 block set to the right (addressee, signature)
    [x] / [ ]              a ticked / empty box of the official form
    blank line             new paragraph

PDFs are written by ``letter_pdf`` with the DejaVu fonts embedded, which carry č ć š ž đ and Cyrillic.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from foia.models import (
    AnswerKind,
    CopyDelivery,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Event,
    EventKind,
    Request,
)

COMMISSIONER = (
    "Povereniku za informacije od javnog značaja i zaštitu podataka o ličnosti",
    "Bulevar kralja Aleksandra 15, 11120 Beograd",
)
LAW = (
    "Zakona o slobodnom pristupu informacijama od javnog značaja "
    "(„Službeni glasnik RS“, br. 120/04, 54/07, 104/09, 36/10 i 105/21)"
)

# What each refusal ground is called in an appeal, and the argument against it.
GROUND_TEXT = {
    "art8": ("član 8. Zakona", ""),
    "art9_1": ("član 9. tačka 1) Zakona", ""),
    "art9_2": ("član 9. tačka 2) Zakona", ""),
    "art9_3": (
        "član 9. tačka 3) Zakona",
        "Pozivanje na odbranu zemlje, nacionalnu ili javnu bezbednost ili međunarodne odnose ne "
        "oslobađa organ vlasti obaveze da konkretno obrazloži kako bi upravo omogućavanje pristupa "
        "traženim informacijama ozbiljno ugrozilo te interese, i zašto bi ta šteta pretegla nad "
        "interesom javnosti da zna. Organ to nije učinio.",
    ),
    "art9_4": ("član 9. tačka 4) Zakona", ""),
    "art9_5": (
        "član 9. tačka 5) Zakona",
        "Sama oznaka tajnosti na dokumentu ne isključuje pristup: organ vlasti mora da dokaže da "
        "bi odavanje informacije moglo prouzrokovati teške pravne ili druge posledice po interese "
        "zaštićene zakonom koji pretežu nad interesom za pristup informaciji.",
    ),
    "art9_6": ("član 9. tačka 6) Zakona", ""),
    "art9_7": ("član 9. tačka 7) Zakona", ""),
    "art10": (
        "član 10. Zakona",
        "Organ vlasti nije precizno naveo gde je tražena informacija objavljena.",
    ),
    "art14": (
        "član 14. Zakona",
        "Podaci o ličnosti mogu se zaštititi anonimizacijom, a pristup ostatku dokumenta omogućiti "
        "(član 12. Zakona).",
    ),
    "other": ("drugi osnov", ""),
}
GENERAL_ARGUMENT = (
    "Tražene informacije odnose se na rad organa vlasti i trošenje javnih sredstava, o čemu "
    "javnost ima opravdan interes da zna, a taj interes se pretpostavlja (član 4. Zakona). "
    "Organ vlasti nije sproveo test javnog interesa iz člana 8. Zakona, niti je dokazao da bi "
    "omogućavanjem pristupa bio ozbiljno ugrožen neki zakonom zaštićeni interes koji preteže "
    "nad interesom javnosti da zna; teret dokazivanja je na organu vlasti. Organ je, najzad, bio "
    "dužan da izdvoji delove dokumenta za koje ne postoji razlog za isključenje i da omogući "
    "pristup tim delovima (član 12. Zakona)."
)
DISMISSAL_ARGUMENT = (
    "Zahtev je sadržao sve što propisuje član 15. Zakona: naziv organa vlasti, podatke o "
    "tražiocu i dovoljno precizan opis tražene informacije, pa nije bilo osnova da se odbaci."
)
SILENCE_FAILURES = {
    "not_acted": "nije postupio",
    "not_in_full": "nije postupio u celosti",
    "not_in_time": "nije postupio u zakonskom roku",
}
CHANNEL_PROOF = {
    "email": "odštampana poruka elektronske pošte kojom je zahtev poslat",
    "ordinary_post": "potvrda pošte o predaji pošiljke",
    "registered_post": "potvrda o predaji preporučene pošiljke i povratnica",
    "electronic": "potvrda o podnošenju preko portala eUprave",
    "fax": "izveštaj o uspešnom slanju faksa",
    "hand": "primerak zahteva sa prijemnim štambiljem organa",
}


def sr_date(value: dt.date | None) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year}." if value else "__________"


@dataclass
class Document:
    slug: str
    title: str
    filename: str
    markup: str
    filing_deadline: Deadline | None = None
    include: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Options:
    place: str = ""
    scope: str = "full"  # appeal against a decision: "full" or "part"
    failure: str = ""  # appeal for silence: one of SILENCE_FAILURES
    reasons: str = ""
    decision: int | None = None  # the decision event appealed


def default_place(request: Request) -> str:
    for address in (request.requester_address, request.organization.address):
        if address:
            last = address.split(",")[-1]
            place = re.sub(r"^\s*\d{5}\s*", "", last).strip()
            if place:
                return place
    return ""


def _requester(request: Request) -> dict:
    org = request.organization
    contacts = [c for c in (request.requester_phone, request.requester_email) if c]
    if not contacts and org.email:
        contacts = [org.email]
    return {
        "name": request.requester_name or org.name,
        "address": request.requester_address or org.address,
        "contacts": ", ".join(contacts),
    }


def _proof_line(request: Request, events: list[Event]) -> str:
    sent = next((e for e in events if e.kind == EventKind.SENT), None)
    files = [a.original_name for a in sent.attachments.all()] if sent else []
    what = CHANNEL_PROOF.get(request.sent_via, "dokaz o predaji zahteva")
    return f"dokaz o predaji zahteva organu vlasti ({what}" + (
        f": {', '.join(files)})" if files else ")"
    )


def _deadline(request: Request, kind: str, event: Event | None = None) -> Deadline | None:
    rows = [d for d in request.deadlines.all() if d.kind == kind and d.state != DeadlineState.VOID]
    if event is not None:
        rows = [d for d in rows if d.source_event_id == event.pk] or rows
    open_rows = [d for d in rows if d.state == DeadlineState.OPEN]
    return (open_rows or rows or [None])[-1]


def appealable_decisions(events: list[Event]) -> list[Event]:
    return [
        e
        for e in events
        if e.retracted_at is None
        and (
            e.kind in (EventKind.REFUSAL, EventKind.DISMISSAL)
            or (e.kind == EventKind.ANSWER and e.answer_kind == AnswerKind.PARTIAL)
        )
    ]


def build(slug: str, request: Request, *, today: dt.date, options: Options) -> Document:
    """The document ``slug`` ("request", "appeal", "silence-appeal") for ``request``.

    The request letter reads the request, its authority and organisation only (no query when
    they are loaded: a campaign's sending builds thousands); the appeals read the timeline."""
    place = options.place or default_place(request)
    context = {
        "r": request,
        "authority": request.authority,
        "requester": _requester(request),
        "place": place or "__________",
        "date": sr_date(today),
        "law": LAW,
        "commissioner": COMMISSIONER,
        "sent_on": sr_date(request.sent_on),
    }
    if slug == "request":
        context.update(
            copy_post=request.want_copy and request.copy_delivery == CopyDelivery.POST,
            copy_email=request.want_copy and request.copy_delivery == CopyDelivery.EMAIL,
            copy_fax=request.want_copy and request.copy_delivery == CopyDelivery.FAX,
            copy_other=request.want_copy and request.copy_delivery == CopyDelivery.OTHER,
        )
        markup = render_to_string("workspace/documents/request.txt", context)
        return Document(
            slug,
            str(_("Request letter")),
            f"zahtev-{request.pk}",
            markup,
        )

    events = list(
        request.events.live()
        .prefetch_related("grounds", "attachments")
        .order_by("occurred_on", "id")
    )
    warnings: list[str] = []
    if request.sent_on is None:
        warnings.append(str(_("The request has not been marked as sent: its date is missing.")))
    include = [f"kopija zahteva od {sr_date(request.sent_on)}", _proof_line(request, events)]

    if slug == "appeal":
        decisions = appealable_decisions(events)
        decision = next((e for e in decisions if e.pk == options.decision), None) or (
            decisions[-1] if decisions else None
        )
        if decision is None:
            warnings.append(str(_("No refusal, dismissal or partial answer is recorded yet.")))
        grounds = [g.ground for g in decision.grounds.all()] if decision else []
        arguments = [GROUND_TEXT[g][1] for g in grounds if g in GROUND_TEXT and GROUND_TEXT[g][1]]
        if decision is not None and decision.kind == EventKind.DISMISSAL:
            arguments.insert(0, DISMISSAL_ARGUMENT)
        else:
            arguments.append(GENERAL_ARGUMENT)
        if decision is not None:
            files = [a.original_name for a in decision.attachments.all()]
            include.append(
                f"{_decision_nominative(decision)} broj {decision.decision_number or '____'} od "
                f"{sr_date(decision.decision_date or decision.occurred_on)}"
                + (f" ({', '.join(files)})" if files else "")
            )
        context.update(
            decision=decision,
            decision_name=_decision_name(decision) if decision else "rešenja",
            decision_verb=_decision_verb(decision),
            decision_date=sr_date(decision.decision_date or decision.occurred_on)
            if decision
            else "__________",
            decision_received=sr_date(decision.received_on) if decision else "",
            grounds=[GROUND_TEXT[g][0] for g in grounds if g in GROUND_TEXT],
            scope=options.scope,
            reasons=options.reasons.strip() or "\n\n".join(arguments),
            include=include,
        )
        markup = render_to_string("workspace/documents/appeal.txt", context)
        deadline = _deadline(request, DeadlineKind.APPEAL, decision)
        return Document(
            slug,
            str(_("Appeal against a decision")),
            f"zalba-{request.pk}",
            markup,
            deadline,
            include,
            warnings,
        )

    if slug == "silence-appeal":
        answers = [e for e in events if e.kind == EventKind.ANSWER]
        failure = options.failure or ("not_in_full" if answers else "not_acted")
        if answers:
            include.append("odgovor organa vlasti od " + sr_date(answers[-1].occurred_on))
        response = next(
            (
                d
                for d in sorted(
                    request.deadlines.all(), key=lambda d: (d.due_on, d.pk), reverse=True
                )
                if d.kind
                in (
                    DeadlineKind.RESPONSE,
                    DeadlineKind.URGENT_RESPONSE,
                    DeadlineKind.EXTENDED_RESPONSE,
                )
                and d.state != DeadlineState.VOID
            ),
            None,
        )
        context.update(
            failures=[(code, text, code == failure) for code, text in SILENCE_FAILURES.items()],
            received_on=sr_date(request.received_on),
            received_presumed=request.received_presumed,
            response_due=sr_date(response.due_on) if response else "__________",
            reasons=options.reasons.strip(),
            include=include,
        )
        markup = render_to_string("workspace/documents/silence_appeal.txt", context)
        deadline = _deadline(request, DeadlineKind.SILENCE_APPEAL)
        if deadline and deadline.opens_on and deadline.opens_on > today:
            warnings.append(
                str(
                    _(
                        "The answer deadline has not passed yet: an appeal for silence filed "
                        "before %(date)s is dismissed as premature."
                    )
                )
                % {"date": sr_date(deadline.opens_on)}
            )
        return Document(
            slug,
            str(_("Appeal for silence")),
            f"zalba-cutanje-{request.pk}",
            markup,
            deadline,
            include,
            warnings,
        )
    raise KeyError(slug)


def _decision_name(decision: Event) -> str:
    return "odgovora" if decision.kind == EventKind.ANSWER else "rešenja"


def _decision_nominative(decision: Event) -> str:
    return "odgovor" if decision.kind == EventKind.ANSWER else "rešenje"


def _decision_verb(decision: Event | None) -> str:
    if decision is None:
        return "odbijen"
    if decision.kind == EventKind.DISMISSAL:
        return "odbačen"
    if decision.kind == EventKind.ANSWER:
        return "delimično odbijen"
    return "odbijen"


DOCUMENT_SLUGS = ("request", "appeal", "silence-appeal")


# --- rendering --------------------------------------------------------------------------------


def _clean_lines(markup: str) -> list[str]:
    lines = [line.rstrip() for line in markup.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line.startswith("{#"):
            continue
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def to_text(document: Document) -> str:
    """The editable text: the markup without its signs, boxes as [x] / [ ]."""
    out = []
    for line in _clean_lines(document.markup):
        if line.startswith("# "):
            line = line[2:].upper() if len(line) < 60 else line[2:]
            out.append(line.center(72).rstrip())
        elif line.startswith("> "):
            out.append(" " * 40 + line[2:])
        elif line == ">":
            out.append("")
        else:
            out.append(line)
    return "\r\n".join(out) + "\r\n"


def _inline(text: str) -> str:
    html = escape(text)
    html = html.replace("[x]", '<span class="box">☒</span>').replace(
        "[ ]", '<span class="box">☐</span>'
    )
    return html


def blocks(document: Document) -> list[tuple[str, list[str]]]:
    """The markup read into blocks, for every rendering: ("heading", [line]), ("paragraph",
    lines) and ("right", lines), where a paragraph's line indented by two spaces is a sub-item of
    the one above (the copy's delivery options) and an empty right-hand line is a blank line."""
    out: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []
    right: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(("paragraph", list(paragraph)))
            paragraph.clear()
        if right:
            out.append(("right", list(right)))
            right.clear()

    for line in _clean_lines(document.markup):
        if line.startswith("# "):
            flush()
            out.append(("heading", [line[2:]]))
        elif line.startswith(">"):
            if paragraph:
                flush()
            right.append(line[2:] if line.startswith("> ") else "")
        elif not line.strip():
            flush()
        else:
            if right:
                flush()
            paragraph.append(line)
    flush()
    return out


def to_html(document: Document) -> str:
    """The document as one HTML page (the on-screen preview)."""

    def line_html(line: str) -> str:
        if line.startswith("  "):
            return f'<span class="sub">{_inline(line.strip())}</span>'
        return _inline(line)

    html: list[str] = []
    for kind, lines in blocks(document):
        if kind == "heading":
            html.append(f"<h2>{_inline(lines[0])}</h2>")
        elif kind == "right":
            html.append('<p class="right">' + "<br>".join(_inline(r) for r in lines) + "</p>")
        else:
            html.append("<p>" + "<br>".join(line_html(p) for p in lines) + "</p>")
    return "\n".join(html)


def to_pdf(document: Document) -> bytes:
    """The document as PDF (``letter_pdf``: A4, DejaVu Serif, the layout of the preview)."""
    from foia.workspace import letter_pdf

    return letter_pdf.render(blocks(document), title=document.title)
