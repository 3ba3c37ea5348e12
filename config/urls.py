from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    # Browsers ask for /favicon.ico whatever the <link> says: answer it, no 404 in the console.
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("foia.api.urls")),
    path("app/api-tokens/", include("foia.api.workspace_urls")),
    path("app/notifications/", include("foia.notifications.urls")),
    path("app/mail/", include("foia.mail.inbound.urls")),
    path("app/", include("foia.workspace.urls")),
    path("", include("foia.public.urls")),
]

# Styled error pages with the reason and a way back (foia/errors.py).
handler403 = "foia.errors.permission_denied"
handler404 = "foia.errors.page_not_found"
handler500 = "foia.errors.server_error"
