"""Error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kam.core.models import branding_with_logo


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API address that matches no route (e.g. a non-numeric id) answers like the API.
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def forbidden_view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error_view(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@login_not_required
@require_safe
def logo_view(request: HttpRequest, digest: str) -> HttpResponse:
    """The company logo for survey pages and e-mails (public: clients have no login). Its
    address carries the image's digest, so a new logo is a new address and this one can be
    cached for good; the type is the one recognised from the content at upload."""
    row = branding_with_logo(digest)
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.logo), content_type=row.logo_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Disposition"] = 'inline; filename="logo"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
