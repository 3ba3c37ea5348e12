"""Downloads of the public log (CSV, JSON), with the log's filters."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from foia.public import exports, selectors
from foia.public.views.pages import log_filterset


def _rows(request):
    today = selectors.today()
    filterset = log_filterset(request, today)
    base_url = request.build_absolute_uri("/").rstrip("/")
    return today, exports.export_rows(filterset.qs, today, base_url)


@require_safe
def export_csv(request):
    today, rows = _rows(request)
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="requests-{today:%Y-%m-%d}.csv"'
    return response


@require_safe
def export_json(request):
    today, rows = _rows(request)
    documentation = request.build_absolute_uri(reverse("public:data"))
    response = StreamingHttpResponse(
        exports.json_chunks(rows, today, documentation), content_type="application/json"
    )
    response["Content-Disposition"] = f'inline; filename="requests-{today:%Y-%m-%d}.json"'
    return response
