"""Pages for the public: no login, only published requests, never personal data or notes."""

from django.shortcuts import render

from foia import selectors


def home(request):
    return render(
        request,
        "foia/home.html",
        {
            "numbers": selectors.headline_numbers(),
            "latest": selectors.latest_responses(),
        },
    )
