"""Login (rate limited), logout and password reset / change, on Django's auth views."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.urls import reverse_lazy

from foia.workspace.forms.accounts import RateLimitedAuthenticationForm


class LoginView(auth.LoginView):
    form_class = RateLimitedAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth.LogoutView):
    template_name = "registration/logged_out.html"


class PasswordResetView(auth.PasswordResetView):
    success_url = reverse_lazy("workspace:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetDoneView(auth.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    success_url = reverse_lazy("workspace:password_reset_complete")


class PasswordResetCompleteView(auth.PasswordResetCompleteView):
    pass


class PasswordChangeView(auth.PasswordChangeView):
    success_url = reverse_lazy("workspace:password_change_done")


class PasswordChangeDoneView(auth.PasswordChangeDoneView):
    pass
