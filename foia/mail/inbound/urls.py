"""Incoming mail in the workspace, mounted at /app/mail/."""

from django.urls import path

from foia.mail.inbound import views

app_name = "mail_in"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/raw/", views.raw, name="raw"),
    path("<int:pk>/attachments/<int:item>/", views.attachment, name="attachment"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/what/", views.classify, name="classify"),
    path("<int:pk>/publish/", views.publish, name="publish"),
]
