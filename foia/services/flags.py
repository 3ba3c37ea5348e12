"""Lawful-but-questionable facts: accepted when recorded, stored on the event, shown as warnings.

An event keeps ``{"code": ..., "params": {...}}``; the message is rendered in the reader's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FLAG_MESSAGES = {
    "extension_beyond_cap": _(
        "The new date {stated} is beyond the 40-day limit of Art. 16(4); the answer is due by "
        "{latest} at the latest, and that date is tracked."
    ),
    "extension_notice_late": _(
        "The extension was notified after the 7 days of Art. 16(4) (due {due})."
    ),
    "extension_after_deadline": _(
        "The extension came after the answer deadline ({due}) had already passed."
    ),
    "incomplete_notice_late": _(
        "The incomplete-request notice came after the 8 days of Art. 15 (due {due})."
    ),
    "correction_period_unlawful": _(
        "Art. 15 sets the correction period between 8 and 15 days; the notice set {days}."
    ),
    "correction_period_assumed": _(
        "No correction period was recorded: the shortest lawful one, 8 days, is assumed."
    ),
    "appeal_late": _(
        "The appeal was filed after the 15 days of Art. 22(1) (due {due}); the Commissioner may "
        "dismiss it as late."
    ),
    "silence_appeal_premature": _(
        "The answer deadline had not passed yet: an appeal for silence may be filed from {opens}. "
        "The Commissioner dismisses premature appeals."
    ),
    "silence_appeal_after_cap": _(
        "The appeal for silence was filed after {last}, one year from the expiry of the answer "
        "deadline (ZUP Art. 153(2))."
    ),
    "no_appeal_lies": _(
        "No appeal lies against {authority} (Art. 22(2)): the remedy is a lawsuit at the "
        "Administrative Court within 30 days."
    ),
    "refusal_without_number": _(
        "No decision number was recorded: a refusal must be a written, numbered decision (Art. 16)."
    ),
    "second_appeal": _(
        "A second appeal against the same decision: the first one (filed {first}) was withdrawn "
        "or dismissed as incomplete. Check that this one is still within the 15 days."
    ),
    "lawsuit_late": _("The lawsuit was filed after the 30 days of ZUS Art. 18 (due {due})."),
    "answer_after_appeal": _(
        "The authority answered after an appeal was filed: the Commissioner will usually suspend "
        "the proceedings."
    ),
    "receipt_presumed": _(
        "The receipt date is presumed ({method}); record the actual date when it is known."
    ),
    "compliance_period_assumed": _(
        "No compliance period was recorded: 5 days, the usual period in the Commissioner's "
        "decisions, is assumed."
    ),
    "urgency_early": _(
        "The urgency was sent before the Commissioner's {due} deadline passed (ZUS Art. 19)."
    ),
}


def make_flag(code: str, **params: object) -> dict:
    if code not in FLAG_MESSAGES:
        raise KeyError(f"unknown flag {code}")
    return {"code": code, "params": {k: str(v) for k, v in params.items()}}


def flag_message(flag: dict) -> str:
    template = FLAG_MESSAGES.get(flag.get("code", ""))
    if template is None:
        return str(flag.get("code", ""))
    try:
        return str(template).format(**flag.get("params", {}))
    except (KeyError, IndexError):
        return str(template)


def current_flags(event, request) -> list[dict]:
    """The flags of ``event`` that still hold: a presumed receipt stops being worth a warning once
    the authority's actual receipt is on the record (a later "received" step)."""
    flags = list(event.flags or [])
    if event.kind == "sent" and request.received_on and not request.received_presumed:
        flags = [f for f in flags if f.get("code") != "receipt_presumed"]
    return flags
