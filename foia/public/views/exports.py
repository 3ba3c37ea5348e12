"""Downloads of the public log (CSV, JSON), with the log's filters."""

from __future__ import annotations

import itertools

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from foia.public import exports, selectors
from foia.public.views.pages import log_filterset


def _rows(request):
    """The export's rows, or a 400 naming each bad parameter.

    Parameters are validated before anything is streamed, and the query runs here, before the
    200 status goes out: a failure later in the stream aborts it (the body never ends as a
    complete document would), rather than ending a response that looks whole.
    """
    today = selectors.today()
    filterset = log_filterset(request, today)
    if not filterset.form.is_valid():
        lines = [f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items()]
        return today, HttpResponseBadRequest(
            "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
        )
    base_url = request.build_absolute_uri("/").rstrip("/")
    rows = exports.export_rows(filterset.qs, today, base_url)
    first = next(rows, None)
    return today, itertools.chain([] if first is None else [first], rows)


@require_safe
def export_csv(request):
    today, rows = _rows(request)
    if isinstance(rows, HttpResponseBadRequest):
        return rows
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="requests-{today:%Y-%m-%d}.csv"'
    return response


@require_safe
def export_json(request):
    today, rows = _rows(request)
    if isinstance(rows, HttpResponseBadRequest):
        return rows
    documentation = request.build_absolute_uri(reverse("public:data"))
    response = StreamingHttpResponse(
        exports.json_chunks(rows, today, documentation), content_type="application/json"
    )
    response["Content-Disposition"] = f'inline; filename="requests-{today:%Y-%m-%d}.json"'
    return response
