"""Search-as-you-type over the authorities (the request form's picker calls this)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from foia.params import search_query
from foia.workspace.forms.fields import authority_label
from foia.workspace.selectors import search_authorities


@login_required
@require_GET
def search(request):
    query = search_query(request.GET)
    results = search_authorities(query, limit=20) if len(query) >= 2 else []
    response = JsonResponse(
        {
            "query": query,
            "results": [
                {
                    "id": a.pk,
                    "label": authority_label(a),
                    "name": a.name,
                    "place": a.place,
                    "kind": a.get_kind_display(),
                }
                for a in results
            ],
        }
    )
    response["Cache-Control"] = "private, max-age=60"
    return response
