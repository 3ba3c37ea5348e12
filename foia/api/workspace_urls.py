"""The "API tokens" page of the workspace (namespace ``api_tokens``): tokens and webhooks."""

from django.urls import path

from foia.api import pages

app_name = "api_tokens"

urlpatterns = [
    path("", pages.tokens_page, name="page"),
    path("tokens/<int:pk>/revoke/", pages.revoke_token, name="revoke"),
    path("webhooks/<int:pk>/", pages.webhook_detail, name="webhook"),
]
