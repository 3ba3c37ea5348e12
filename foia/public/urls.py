"""The public site's URLs (namespace ``public``): stable, anonymous, in both languages."""

from django.urls import path

from foia.public import feeds
from foia.public import views as public

app_name = "public"

urlpatterns = [
    path("", public.home, name="home"),
    path("requests/", public.request_log, name="requests"),
    path("requests/feed/", feeds.ResponsesFeed(), name="feed"),
    path("requests/export.csv", public.export_csv, name="export_csv"),
    path("requests/export.json", public.export_json, name="export_json"),
    path("requests/<int:pk>/", public.request_detail, name="request"),
    path("authorities/", public.authority_list, name="authorities"),
    path("authorities/<int:pk>/", public.authority_detail, name="authority"),
    path("authorities/<int:pk>/feed/", feeds.AuthorityResponsesFeed(), name="authority_feed"),
    path("campaigns/<int:pk>/", public.campaign_detail, name="campaign"),
    path("dashboard/", public.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.csv", public.dashboard_csv, name="dashboard_csv"),
    path("data/", public.data, name="data"),
    path("documents/<int:pk>/", public.document, name="document"),
]
