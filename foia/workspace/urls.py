"""The NGO workspace, mounted at /app/ (accounts under /app/accounts/)."""

from django.urls import path

from foia.workspace.views import (
    accounts,
    authorities,
    board,
    calendar,
    campaigns,
    corrections,
    documents,
    events,
    exports,
    organization,
    requests,
    sending,
)

app_name = "workspace"

urlpatterns = [
    # Accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # "My work" and lists
    path("", board.board, name="board"),
    path("requests/", board.request_list, name="requests"),
    path("authorities/search/", authorities.search, name="authority_search"),
    # One request
    path("requests/new/", requests.create, name="request_create"),
    path("requests/<int:pk>/", requests.detail, name="request"),
    path("requests/<int:pk>/edit/", requests.edit, name="request_edit"),
    path("requests/<int:pk>/assign/", requests.assign, name="request_assign"),
    path("requests/<int:pk>/publishing/", requests.publishing, name="request_publishing"),
    path("requests/<int:pk>/preview/", requests.preview, name="request_preview"),
    path("requests/<int:pk>/documents/add/", requests.add_document, name="document_add"),
    path("requests/<int:pk>/sent/", events.mark_sent, name="request_sent"),
    path("requests/<int:pk>/received/", events.mark_received, name="request_received"),
    path("requests/<int:pk>/record/", events.choose, name="record"),
    path("requests/<int:pk>/record/<slug:kind>/", events.record, name="record_event"),
    path(
        "requests/<int:pk>/events/<int:event_pk>/correct/",
        corrections.correct,
        name="event_correct",
    ),
    path(
        "requests/<int:pk>/events/<int:event_pk>/retract/",
        corrections.retract,
        name="event_retract",
    ),
    path(
        "requests/<int:pk>/generate/<slug:slug>/",
        documents.page,
        name="generate",
    ),
    path(
        "requests/<int:pk>/generate/<slug:slug>/download.<str:fmt>",
        documents.download,
        name="generate_download",
    ),
    path("documents/<int:pk>/", requests.download_attachment, name="attachment"),
    # Sending by e-mail (foia.mail.outbound)
    path("requests/<int:pk>/email/", sending.send_request, name="mail_send"),
    path("requests/<int:pk>/email/appeal/", sending.send_appeal, name="mail_appeal"),
    path("requests/<int:pk>/email/<slug:kind>/", sending.send_message, name="mail_message"),
    path("mail/<int:pk>.eml", sending.download_eml, name="mail_eml"),
    path("mail/<int:pk>/retry/", sending.retry, name="mail_retry"),
    path("campaigns/<int:pk>/email/", sending.send_campaign, name="mail_campaign"),
    # Campaigns
    path("campaigns/", campaigns.index, name="campaigns"),
    path("campaigns/new/", campaigns.create, name="campaign_create"),
    path("campaigns/choice.json", campaigns.choice_counts, name="campaign_choice"),
    path("campaigns/<int:pk>/", campaigns.detail, name="campaign"),
    path("campaigns/<int:pk>/progress.json", campaigns.progress, name="campaign_progress"),
    path("campaigns/<int:pk>/retry/", campaigns.retry, name="campaign_retry"),
    path("campaigns/<int:pk>/report.<str:fmt>", campaigns.report, name="campaign_report"),
    path("campaigns/<int:pk>/letters.zip", campaigns.letters, name="campaign_letters"),
    path("campaigns/<int:pk>/publishing/", campaigns.publishing, name="campaign_publishing"),
    path("campaigns/<int:pk>/send/", campaigns.send, name="campaign_send"),
    # Calendar
    path("calendar/", calendar.page, name="calendar"),
    path("calendar/regenerate/", calendar.regenerate, name="calendar_regenerate"),
    path("calendar/revoke/", calendar.revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar.feed, name="calendar_feed"),
    # Organization
    path("organizations/<slug:slug>/", organization.page, name="organization"),
    path(
        "organizations/<slug:slug>/export.<str:fmt>",
        exports.organization_export,
        name="organization_export",
    ),
    path(
        "organizations/<slug:slug>/members/<int:member_pk>/",
        organization.member,
        name="member",
    ),
    path(
        "organizations/<slug:slug>/invitations/<int:invitation_pk>/",
        organization.invitation_action,
        name="invitation_action",
    ),
    path("invitations/<str:token>/", organization.accept, name="invitation"),
]
