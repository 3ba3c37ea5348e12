"""Generated documents: a page to check and adjust, and downloads as PDF and as editable text."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from foia.workspace import access
from foia.workspace import documents as docs


class OptionsForm(forms.Form):
    place = forms.CharField(label=_("Place of signing"), required=False, max_length=100)
    scope = forms.ChoiceField(
        label=_("The decision is challenged"),
        choices=[("full", _("in full")), ("part", _("in part"))],
        required=False,
        widget=forms.RadioSelect,
    )
    failure = forms.ChoiceField(
        label=_("The authority"),
        choices=[
            ("not_acted", _("did not act on the request")),
            ("not_in_full", _("did not act on it in full")),
            ("not_in_time", _("did not act on it in time")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    decision = forms.TypedChoiceField(
        label=_("The decision appealed"), coerce=int, required=False, empty_value=None
    )
    reasons = forms.CharField(
        label=_("Reasons (replace the suggested ones with your own)"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, slug: str, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        if slug != "appeal":
            del self.fields["scope"], self.fields["decision"]
        else:
            self.fields["decision"].choices = [("", _("— the latest —"))] + [
                (e.pk, f"{e.get_kind_display()} {e.occurred_on:%d.%m.%Y}") for e in decisions
            ]
        if slug != "silence-appeal":
            del self.fields["failure"]
        if slug == "request":
            del self.fields["reasons"]

    def options(self) -> docs.Options:
        data = self.cleaned_data if self.is_valid() else {}
        return docs.Options(
            place=data.get("place") or "",
            scope=data.get("scope") or "full",
            failure=data.get("failure") or "",
            reasons=data.get("reasons") or "",
            decision=data.get("decision"),
        )


def _file(document: docs.Document, fmt: str) -> HttpResponse:
    if fmt == "pdf":
        response = HttpResponse(docs.to_pdf(document), content_type="application/pdf")
    elif fmt == "txt":
        response = HttpResponse(
            docs.to_text(document).encode("utf-8"), content_type="text/plain; charset=utf-8"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{document.filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _request_and_decisions(request, pk: int, slug: str):
    if slug not in docs.DOCUMENT_SLUGS:
        raise Http404
    obj = access.get_request(request.user, pk)
    return obj, docs.appealable_decisions(list(obj.events.live().order_by("occurred_on", "id")))


@login_required
def page(request, pk: int, slug: str):
    """Check the document, adjust it (place, reasons, …) and download it.

    The adjustments are POSTed — long reasons do not fit in a URL — and the same form downloads
    the adjusted document; nothing is stored.
    """
    obj, decisions = _request_and_decisions(request, pk, slug)
    if request.method == "POST":
        form = OptionsForm(request.POST, slug=slug, decisions=decisions)
        options = form.options()
    else:
        form = OptionsForm(
            initial={"place": docs.default_place(obj)}, slug=slug, decisions=decisions
        )
        options = docs.Options()
    document = docs.build(slug, obj, today=timezone.localdate(), options=options)
    fmt = request.POST.get("fmt", "")
    if request.method == "POST" and fmt and form.is_valid():
        return _file(document, fmt)
    return render(
        request,
        "workspace/document.html",
        {
            "r": obj,
            "slug": slug,
            "document": document,
            "html": mark_safe(docs.to_html(document)),  # noqa: S308 - built from escaped text
            "form": form,
            "adjusted": request.method == "POST",
        },
    )


@login_required
def download(request, pk: int, slug: str, fmt: str):
    """The document as generated from the record (no adjustments): a stable link."""
    obj, _decisions = _request_and_decisions(request, pk, slug)
    return _file(docs.build(slug, obj, today=timezone.localdate(), options=docs.Options()), fmt)
