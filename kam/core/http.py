"""Small request/response helpers shared by the views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kam.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """An HttpRequest whose user is a logged-in KAM user (login is required everywhere)."""

    user: User
    htmx: HtmxDetails


def htmx_or_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After a write: tell HTMX to navigate (HX-Location), or redirect a plain form post."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def positive_int(raw: str | None, default: int) -> int:
    """A page number or similar from the query string; junk falls back to the default."""
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return value if value > 0 else default


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` field of a posted form when it is a local path, else `default`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
