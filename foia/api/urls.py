"""/api/v1/: the public contract (paths never change within v1)."""

from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from foia.api.views import public, workspace
from foia.api.views.common import NotFoundView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script is served by the view itself (?script), not inline.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # ReDoc was a second reference page; its bundle loads a logo from a CDN and needs inline
    # styles and blob workers, so its address leads to the Swagger UI page.
    path("redoc/", RedirectView.as_view(pattern_name="api:docs", permanent=True), name="redoc"),
    path("requests/", public.RequestList.as_view(), name="request-list"),
    path("requests/<int:pk>/", public.RequestDetail.as_view(), name="request-detail"),
    path("authorities/", public.AuthorityList.as_view(), name="authority-list"),
    path("authorities/<int:pk>/", public.AuthorityDetail.as_view(), name="authority-detail"),
    path("campaigns/", public.CampaignList.as_view(), name="campaign-list"),
    path("campaigns/<int:pk>/", public.CampaignDetail.as_view(), name="campaign-detail"),
    path("figures/", public.Figures.as_view(), name="figures"),
    path(
        "figures/authorities/<int:pk>/",
        public.AuthorityFigures.as_view(),
        name="figures-authority",
    ),
    path("figures/campaigns/<int:pk>/", public.CampaignFigures.as_view(), name="figures-campaign"),
    path("workspace/requests/", workspace.OrgRequestList.as_view(), name="workspace-request-list"),
    path(
        "workspace/requests/<int:pk>/",
        workspace.OrgRequestDetail.as_view(),
        name="workspace-request-detail",
    ),
    path("workspace/requests/<int:pk>/send/", workspace.MarkSent.as_view(), name="workspace-send"),
    path(
        "workspace/requests/<int:pk>/send-email/",
        workspace.SendEmail.as_view(),
        name="workspace-send-email",
    ),
    path(
        "workspace/requests/<int:pk>/events/",
        workspace.RecordEvent.as_view(),
        name="workspace-events",
    ),
    path(
        "workspace/requests/<int:pk>/events/<int:event_pk>/correct/",
        workspace.CorrectEvent.as_view(),
        name="workspace-event-correct",
    ),
    path(
        "workspace/requests/<int:pk>/events/<int:event_pk>/retract/",
        workspace.RetractEvent.as_view(),
        name="workspace-event-retract",
    ),
    path(
        "workspace/requests/<int:pk>/messages/",
        workspace.RequestMessages.as_view(),
        name="workspace-messages",
    ),
    path(
        "workspace/requests/<int:pk>/attachments/",
        workspace.AddAttachment.as_view(),
        name="workspace-attachments",
    ),
    path(
        "workspace/documents/<int:pk>/",
        workspace.DocumentDownload.as_view(),
        name="workspace-document",
    ),
    path("workspace/deadlines/", workspace.DueDeadlines.as_view(), name="workspace-deadlines"),
    # Anything else under /api/v1/ (an id that is no number, a mistyped path): a JSON 404.
    re_path(r"^[\s\S]*$", NotFoundView.as_view()),  # [\s\S]: a path with a line break too
]
