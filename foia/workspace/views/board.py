"""'My work' (the landing page after login) and the list of all requests."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from foia.workspace import access, selectors


@login_required
def board(request):
    today = timezone.localdate()
    data = selectors.board(http_request=request, today=today)
    return render(
        request,
        "workspace/board.html",
        {
            "board": data,
            "filter": data.filter,
            "today": today,
            "can_create": bool(access.organizations(request.user, edit=True)),
            "organizations": access.organizations(request.user),
        },
    )


@login_required
def request_list(request):
    filterset = selectors.request_list(http_request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspace/request_list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )
