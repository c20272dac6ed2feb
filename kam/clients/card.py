"""The client card: the client's own facts plus the panels every app registers in
`kam.core.composition`. Other apps' views re-render the card through `render_card` when one of
their forms on it fails; this module imports no other app."""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from kam.accounts.access import can_read_dossier
from kam.clients.models import Client
from kam.clients.selectors import client_detail
from kam.core.composition import (
    card_panel,
    render_card_panels,
    render_panel,
)
from kam.core.http import AuthenticatedRequest


def _base(request: HttpRequest, client: Client) -> dict[str, Any]:
    return {"client": client, "can_read_dossier": can_read_dossier(request.user, client)}


def render_card(
    request: AuthenticatedRequest, client_id: int, *, status: int | None = None, **forms: BaseForm
) -> HttpResponse:
    """The card of a client the viewer sees (404 otherwise). `forms` are bound forms handed
    back to their panels after a failed POST; with errors in any of them the status is 400."""
    client = client_detail(viewer=request.user, client_id=client_id)
    base = _base(request, client)
    context = {**base, "panels": render_card_panels(request, client, base, forms)}
    if status is None:
        status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "clients/client_detail.html", context, status=status)


def render_card_panel(request: AuthenticatedRequest, client_id: int, key: str) -> HttpResponse:
    """One panel alone (the htmx fragment of a lazy panel): client visibility, then the
    panel's own access check; either failing answers 404."""
    client = client_detail(viewer=request.user, client_id=client_id)
    panel = card_panel(key)
    if panel is None or not panel.allowed(request.user, client):
        raise Http404
    return HttpResponse(render_panel(panel, request, client, _base(request, client), {}))
