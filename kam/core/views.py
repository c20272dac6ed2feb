"""Landing page and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kam.core.http import AuthenticatedRequest


def home_view(request: AuthenticatedRequest) -> HttpResponse:
    """The landing page: Today (whom to contact, pauses, reviews, dates, plan items)."""
    return redirect("today")


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error_view(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
