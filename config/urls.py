from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("foia.api.urls")),
    path("app/api-tokens/", include("foia.api.workspace_urls")),
    path("app/notifications/", include("foia.notifications.urls")),
    path("app/mail/", include("foia.mail.inbound.urls")),
    path("app/", include("foia.workspace.urls")),
    path("", include("foia.public.urls")),
]
