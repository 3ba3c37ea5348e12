"""The "API tokens" page of the workspace: personal tokens (shown once, revocable, last use
shown) and the organisation's webhook endpoints (secret shown once, deliveries with their
response codes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from foia.api import services
from foia.api.forms import TokenForm, WebhookForm
from foia.api.models import ApiToken
from foia.webhooks import services as webhooks
from foia.webhooks.models import WebhookEndpoint
from foia.workspace import access


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def tokens_page(request):
    organizations = access.organizations(request.user)
    editable = access.organizations(request.user, edit=True)
    token_form = TokenForm(organizations=organizations, prefix="token")
    webhook_form = WebhookForm(organizations=editable, prefix="hook") if editable else None
    shown_token = shown_secret = None
    if request.method == "POST" and "create_token" in request.POST:
        token_form = TokenForm(request.POST, organizations=organizations, prefix="token")
        if token_form.is_valid():
            organization = next(
                o for o in organizations if o.pk == token_form.cleaned_data["organization"]
            )
            try:
                _token, shown_token = services.token_create(
                    user=request.user,
                    organization=organization,
                    name=token_form.cleaned_data["name"],
                    scope=token_form.cleaned_data["scope"],
                    expires_at=token_form.expires_at(),
                )
            except ValidationError as exc:
                _add_errors(token_form, exc)
            else:
                token_form = TokenForm(organizations=organizations, prefix="token")
    elif request.method == "POST" and "create_webhook" in request.POST:
        if not editable:
            raise Http404
        webhook_form = WebhookForm(request.POST, organizations=editable, prefix="hook")
        if webhook_form.is_valid():
            organization = next(
                o for o in editable if o.pk == webhook_form.cleaned_data["organization"]
            )
            try:
                endpoint = webhooks.endpoint_create(
                    organization=organization,
                    user=request.user,
                    url=webhook_form.cleaned_data["url"],
                    kinds=webhook_form.cleaned_data["kinds"],
                    description=webhook_form.cleaned_data["description"],
                )
            except ValidationError as exc:
                _add_errors(webhook_form, exc)
            else:
                shown_secret = (endpoint, endpoint.secret)
                webhook_form = WebhookForm(organizations=editable, prefix="hook")
    tokens = (
        ApiToken.objects.filter(user=request.user, organization__in=organizations)
        .select_related("organization")
        .order_by("-created_at", "-pk")
    )
    endpoints = WebhookEndpoint.objects.filter(organization__in=organizations).select_related(
        "organization"
    )
    return render(
        request,
        "api/tokens.html",
        {
            "token_form": token_form,
            "webhook_form": webhook_form,
            "tokens": tokens,
            "endpoints": endpoints,
            "shown_token": shown_token,
            "shown_secret": shown_secret,
            "editable_ids": {o.pk for o in editable},
        },
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    services.token_revoke(token=token, user=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("api_tokens:page")


@login_required
def webhook_detail(request, pk: int):
    endpoint = WebhookEndpoint.objects.select_related("organization").filter(pk=pk).first()
    if endpoint is None or endpoint.organization_id not in access.memberships(request.user):
        raise Http404
    may_edit = access.can_edit(request.user, endpoint.organization_id)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if "enable" in request.POST:
            webhooks.endpoint_enable(endpoint=endpoint)
            messages.success(request, _("The endpoint is enabled again."))
        elif "delete" in request.POST:
            endpoint.delete()
            messages.success(request, _("The endpoint was deleted."))
            return redirect("api_tokens:page")
        return redirect("api_tokens:webhook", pk=endpoint.pk)
    deliveries = endpoint.deliveries.order_by("-created_at", "-pk")[:50]
    return render(
        request,
        "api/webhook.html",
        {"endpoint": endpoint, "deliveries": deliveries, "may_edit": may_edit},
    )
