"""The organisation's export of its own requests (CSV tables or one XLSX workbook): members only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from foia.workspace import access, org_export


def _headers(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def organization_export(request, slug: str, fmt: str):
    organization, _membership = access.get_organization(request.user, slug)
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            org_export.as_xlsx(organization),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return _headers(response, f"{organization.slug}-requests-{stamp}.xlsx")
    if fmt == "csv":
        table = request.GET.get("table", "requests")
        if table not in org_export.TABLES:
            raise Http404
        response = StreamingHttpResponse(
            org_export.as_csv(organization, table), content_type="text/csv; charset=utf-8"
        )
        return _headers(response, f"{organization.slug}-{table}-{stamp}.csv")
    raise Http404
