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


def client_address(request: HttpRequest) -> str:
    """The address a request really comes from, as a throttling key.

    Behind the reverse proxy (KAM_BEHIND_PROXY) REMOTE_ADDR is the proxy's for everyone, so the
    last X-Forwarded-For entry is taken: the one the trusted proxy appended. Entries before it
    are whatever the client sent and are ignored (a forged header cannot buy a fresh key);
    without the proxy the header is ignored altogether. An IPv6 address counts by its /64,
    the block one subscriber gets, so rotating addresses inside it does not help either.
    """
    import ipaddress

    from django.conf import settings

    raw = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip() if forwarded else ""
        raw = last or raw
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


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
