"""Contact log, Today page. Views only parse, call and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.accounts.access import client_get, scope_of
from kam.accounts.domain import Scope
from kam.core.http import AuthenticatedRequest, htmx_or_redirect, positive_int, safe_next
from kam.relations.forms import CompleteForm, InteractionForm
from kam.relations.selectors import interaction_get, interactions_for, today_page
from kam.relations.services import PauseNotConfirmed, interaction_complete, interaction_log


@require_POST
def interaction_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    from kam.clients.views import _card

    client = client_get(request.user, client_id)
    form = InteractionForm(request.POST, client=client)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            interaction_log(actor=request.user, client=client, **data)
        except PauseNotConfirmed as exc:
            # Show the warning with the same data and a confirm button; nothing is written.
            post = request.POST.copy()
            post["confirm_pause"] = "on"
            form = InteractionForm(post, client=client)
            form.is_valid()
            form.pause_warning = exc.warning  # type: ignore[attr-defined]
            return _card(request, client_id, status=200, interaction_form=form)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request, _("Contact planned.") if data["planned"] else _("Contact logged.")
            )
            return htmx_or_redirect(request, safe_next(request, client.get_absolute_url() + "#log"))
    return _card(request, client_id, status=400, interaction_form=form)


@require_POST
def interaction_complete_view(
    request: AuthenticatedRequest, client_id: int, interaction_id: int
) -> HttpResponse:
    interaction = interaction_get(
        viewer=request.user, client_id=client_id, interaction_id=interaction_id
    )
    form = CompleteForm(request.POST)
    back = safe_next(request, interaction.client.get_absolute_url() + "#log")
    if not form.is_valid():
        messages.error(request, _("Say how the contact went."))
        return htmx_or_redirect(request, back)
    try:
        interaction_complete(actor=request.user, interaction=interaction, **form.cleaned_data)
    except PauseNotConfirmed as exc:
        messages.warning(
            request,
            _(
                "You are in a pause with this client until %(until)s after a negative contact."
                " Ask %(who)s to take it, or confirm on the client card."
            )
            % {
                "until": exc.warning.until.strftime("%d.%m.%Y"),
                "who": ", ".join(u.display_name for u in exc.warning.suggestions) or "—",
            },
        )
        return htmx_or_redirect(request, back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return htmx_or_redirect(request, back)
    messages.success(request, _("Contact logged."))
    return htmx_or_redirect(request, back)


def interaction_list_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    log = interactions_for(viewer=request.user, client_id=client_id)
    client = client_get(request.user, client_id)
    page = Paginator(log, 50).get_page(positive_int(request.GET.get("page"), 1))
    return render(request, "relations/interaction_list.html", {"client": client, "page": page})


def today_view(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_of(request.user)
    can_team = scope in (Scope.TEAM, Scope.ALL)
    team = can_team and request.GET.get("view") == "team"
    page = today_page(viewer=request.user, team=team)
    context = {
        "page": page,
        "can_team": can_team,
        "complete_form": CompleteForm(),
        "today_url": reverse("today") + ("?view=team" if team else ""),
        "now": timezone.localdate(),
        "plan_count": len(page.actions) + len(page.goals),
    }
    return render(request, "relations/today.html", context)
