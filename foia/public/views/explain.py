"""The legal basis of a request's story, in plain words (ZSPIJZ, ZUP, ZUS).

Only the rules the story touched are explained, in the order a reader meets them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from foia.models import AnswerKind, Event, EventKind, Request


def explanations(request: Request, events: Sequence[Event]) -> list[tuple[str, str]]:
    kinds = {e.kind for e in events}
    answer_kinds = {e.answer_kind for e in events if e.kind == EventKind.ANSWER}
    out: list[tuple[str, str]] = [
        (
            _("The right to ask"),
            _(
                "Anyone may ask a public authority for information of public importance, without "
                "giving reasons (Arts. 5, 6 and 15 of the Law on Free Access to Information)."
            ),
        )
    ]
    if request.urgent:
        out.append(
            (
                _("48 hours"),
                _(
                    "When the information concerns a threat to life or freedom, public health or "
                    "the environment, the authority must answer within 48 hours of receiving the "
                    "request (Art. 16(2))."
                ),
            )
        )
    else:
        out.append(
            (
                _("15 days to answer"),
                _(
                    "The authority must answer within 15 days of receiving the request "
                    "(Art. 16(1)). Days are calendar days; a deadline that ends on a weekend or a "
                    "public holiday moves to the next working day (ZUP Art. 80). An answer counts "
                    "as given on the day it leaves the authority."
                ),
            )
        )
    if request.received_presumed:
        out.append(
            (
                _("Presumed receipt"),
                _(
                    "The request went by post without a recorded delivery date, so the day of "
                    "receipt is presumed from the way it was sent (ZUP Arts. 71 and 75)."
                ),
            )
        )
    if EventKind.INCOMPLETE_NOTICE in kinds or EventKind.CORRECTED in kinds:
        out.append(
            (
                _("An incomplete request"),
                _(
                    "If a request is incomplete the authority must say so within 8 days and set "
                    "a period of 8 to 15 days to fix it; the 15 days to answer then run from the "
                    "corrected request. An uncorrected request may be dismissed (Art. 15)."
                ),
            )
        )
    if EventKind.EXTENSION in kinds:
        out.append(
            (
                _("Extension"),
                _(
                    "An authority that cannot answer within 15 days must tell the requester "
                    "within 7 days, with its reasons, and answer at the latest within 40 days of "
                    "receiving the request (Art. 16(4)). An extension notice is not an answer."
                ),
            )
        )
    if AnswerKind.PARTIAL in answer_kinds:
        out.append(
            (
                _("Partial access"),
                _(
                    "When only part of a document may be withheld, the rest must be released "
                    "(Art. 12); withholding the rest is a refusal that can be appealed."
                ),
            )
        )
    if AnswerKind.NOT_HELD in answer_kinds:
        out.append(
            (
                _("Not held"),
                _(
                    "An authority that does not hold the information must forward the request to "
                    "the Commissioner or say who holds it (Arts. 19 and 20)."
                ),
            )
        )
    if AnswerKind.ALREADY_PUBLISHED in answer_kinds:
        out.append(
            (
                _("Already published"),
                _(
                    "An authority may decline to send information that is already published, but "
                    "must say where it was published (Art. 10)."
                ),
            )
        )
    if EventKind.REFUSAL in kinds:
        out.append(
            (
                _("Refusal"),
                _(
                    "A refusal is a written decision that must give its reasons and say how to "
                    "challenge it (Art. 16). Access may be restricted only on the grounds of the "
                    "law: the necessity test (Art. 8), the interests in Art. 9 (life and safety, "
                    "proceedings, defence and security, the economy, secrets, intellectual "
                    "property, the environment) or privacy (Art. 14). A refusal may cite several "
                    "grounds."
                ),
            )
        )
    if EventKind.DISMISSAL in kinds:
        out.append(
            (
                _("Dismissal"),
                _(
                    "A dismissal is a decision not to consider a request that was not corrected "
                    "in time (Art. 15)."
                ),
            )
        )
    if request.authority.no_appeal:
        out.append(
            (
                _("No appeal: a lawsuit"),
                _(
                    "No appeal to the Commissioner lies against this authority (Art. 22(2)): a "
                    "refusal or silence is challenged by a lawsuit at the Administrative Court, "
                    "within 30 days of the decision (Law on Administrative Disputes, Art. 18)."
                ),
            )
        )
    else:
        out.append(
            (
                _("Appeal to the Commissioner"),
                _(
                    "Against a refusal or a dismissal the requester may appeal to the "
                    "Commissioner within 15 days of receiving the decision; against silence, "
                    "from the day after the answer deadline passed (Art. 22)."
                ),
            )
        )
    if EventKind.APPEAL_FILED in kinds or EventKind.COMMISSIONER_DECISION in kinds:
        out.append(
            (
                _("The Commissioner's deadline"),
                _(
                    "The Commissioner decides an appeal within 60 days of receiving it (30 days "
                    "in 48-hour matters, Art. 24). It may order access, reject the appeal, annul "
                    "the decision and return it, suspend the proceedings or dismiss the appeal."
                ),
            )
        )
    if {EventKind.COMPLIANCE, EventKind.ENFORCEMENT} & kinds or (
        EventKind.COMMISSIONER_DECISION in kinds
    ):
        out.append(
            (
                _("Binding decisions"),
                _(
                    "The Commissioner's decisions are binding and final. An authority that does "
                    "not comply can be fined 20,000 to 100,000 dinars, repeatedly (Art. 28a), "
                    "and the Government must help enforce them."
                ),
            )
        )
    if EventKind.LAWSUIT_FILED in kinds or EventKind.COURT_DECISION in kinds:
        out.append(
            (
                _("The Administrative Court"),
                _(
                    "A Commissioner's decision, or a decision of a body against which no appeal "
                    "lies, can be challenged at the Administrative Court within 30 days of its "
                    "delivery (Law on Administrative Disputes, Art. 18)."
                ),
            )
        )
    return out
