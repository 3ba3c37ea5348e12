"""Login, logout and password reset / change, on Django's auth views. Failed logins are
limited by django-axes (``foia.workspace.lockout``), password reset requests by the same limiter."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy

from foia.workspace import lockout


class LoginView(auth.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth.LogoutView):
    template_name = "registration/logged_out.html"


class PasswordResetView(auth.PasswordResetView):
    success_url = reverse_lazy("workspace:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # Each request counts as an attempt on that address: after the limit no more e-mails
        # go out (the page says the same either way, so it reveals nothing about accounts).
        key = "password-reset:" + form.cleaned_data["email"].strip().casefold()
        if not lockout.is_allowed(self.request, key):
            return HttpResponseRedirect(self.get_success_url())
        lockout.note_attempt(self.request, key)
        return super().form_valid(form)


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
