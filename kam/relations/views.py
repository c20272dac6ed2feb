"""Contact log, Today page. Views only parse, call and render."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users, client_get, scope_of, visible_clients
from kam.accounts.domain import Scope
from kam.accounts.models import User
from kam.clients.card import render_card
from kam.clients.models import Client
from kam.core.composition import render_section, render_today_sections, today_section
from kam.core.exporting import EXPORT_FORMATS, export_response
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, htmx_or_redirect, positive_int, safe_next
from kam.core.models import company_settings
from kam.relations.charts import stages_figure, trend_figure
from kam.relations.domain import Correction
from kam.relations.forms import (
    BankEntryForm,
    CatalogueFormSet,
    CompleteForm,
    InteractionEditForm,
    InteractionForm,
    StageForm,
    StageFormSet,
    TaskForm,
)
from kam.relations.models import Interaction
from kam.relations.selectors import (
    bank_account,
    company_trend,
    correctable_ids,
    correction_of,
    current_stage,
    interaction_get,
    interaction_of,
    interactions_for,
    relation_rows,
    revisions_for,
    stage_distribution,
    stage_find,
    stages,
    task_get,
    today_page,
)
from kam.relations.services import (
    CorrectionRefused,
    PauseNotConfirmed,
    bank_entry_add,
    checklist_from_template,
    interaction_complete,
    interaction_delete,
    interaction_edit,
    interaction_log,
    stage_set,
    task_add,
    task_set_done,
)


@require_POST
def interaction_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = InteractionForm(request.POST, client=client)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            interaction = interaction_log(actor=request.user, client=client, **data)
        except PauseNotConfirmed as exc:
            # Show the warning with the same data and a confirm button; nothing is written.
            post = request.POST.copy()
            post["confirm_pause"] = "on"
            if request.POST.get("quick"):
                # A one-click log from a list (Today): the warning goes where the click was
                # (htmx swaps the little form), or on a page of its own without JavaScript.
                return _quick_pause(request, client, post, exc)
            form = InteractionForm(post, client=client)
            form.is_valid()
            form.pause_warning = exc.warning  # type: ignore[attr-defined]
            return render_card(request, client_id, status=200, interaction_form=form)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Contact planned.") if data["planned"] else _("Contact logged.")
            )
            proposal = _to_card(client, propose=interaction.pk)
            if data["planned"]:
                return htmx_or_redirect(request, safe_next(request, _to_card(client, "log")))
            if data["tone"] == "negative":
                # A negative contact goes to the card, where the withdrawal is proposed.
                return htmx_or_redirect(request, proposal)
            return htmx_or_redirect(request, safe_next(request, proposal))
    return render_card(request, client_id, status=400, interaction_form=form)


QUICK_FIELDS = ("date", "channel", "personal", "tone", "summary", "planned", "next", "quick")


def _quick_pause(
    request: AuthenticatedRequest, client: Client, post: Any, exc: PauseNotConfirmed
) -> HttpResponse:
    context = {
        "client": client,
        "warning": exc.warning,
        "fields": [(name, post[name]) for name in QUICK_FIELDS if post.get(name)],
        "back": safe_next(request, client.get_absolute_url()),
    }
    if getattr(request, "htmx", False):
        return render(request, "relations/_quick_pause.html", context)
    return render(request, "relations/pause_confirm.html", context)


@require_POST
def interaction_complete_view(
    request: AuthenticatedRequest, client_id: int, interaction_id: int
) -> HttpResponse:
    interaction = interaction_get(
        viewer=request.user, client_id=client_id, interaction_id=interaction_id
    )
    kept = interaction.date >= timezone.localdate()  # done on or before the planned day
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
    proposal = _to_card(interaction.client, propose=interaction.pk, kept=int(kept))
    return htmx_or_redirect(request, proposal)


def interaction_list_view(request: AuthenticatedRequest, client_id: int) -> HttpResponseBase:
    log = interactions_for(viewer=request.user, client_id=client_id)
    client = client_get(request.user, client_id)
    if request.GET.get("format") in EXPORT_FORMATS:
        rows = (
            [
                client.name,
                i.date,
                i.get_channel_display(),
                _("yes") if i.personal else _("no"),
                i.get_tone_display() if not i.planned else _("planned"),
                i.author.display_name,
                i.summary,
            ]
            for i in log.iterator(chunk_size=2000)
        )
        headers = [
            _("Client"),
            _("Date"),
            _("Channel"),
            _("Personally"),
            _("Tone"),
            _("Manager"),
            _("Comment"),
        ]
        return export_response(request.GET["format"], "contact-log", headers, rows)
    page = Paginator(log, 50).get_page(positive_int(request.GET.get("page"), 1))
    context = {
        "client": client,
        "page": page,
        "correctable": correctable_ids(viewer=request.user, interactions=page.object_list),
        "revisions": revisions_for(viewer=request.user, client_id=client_id)[:50],
    }
    return render(request, "relations/interaction_list.html", context)


def _correctable(
    request: AuthenticatedRequest, client_id: int, interaction_id: int
) -> Interaction | HttpResponse:
    """The entry when the viewer may correct it now; 404 when the client is not theirs, a
    page saying why (403) when they see it but may not correct it."""
    interaction = interaction_get(
        viewer=request.user, client_id=client_id, interaction_id=interaction_id
    )
    verdict = correction_of(viewer=request.user, interaction=interaction)
    if verdict is Correction.ALLOWED:
        return interaction
    context = {"interaction": interaction, "reason": CorrectionRefused(verdict).reason}
    return render(request, "relations/correction_refused.html", context, status=403)


def _author_label(viewer: User, interaction: Interaction) -> str:
    """The author's name when somebody else (their supervisor) corrects the entry."""
    if interaction.author_id == viewer.pk:
        return ""
    return str(interaction.author.display_name)


@require_http_methods(["GET", "POST"])
def interaction_edit_view(
    request: AuthenticatedRequest, client_id: int, interaction_id: int
) -> HttpResponse:
    found = _correctable(request, client_id, interaction_id)
    if isinstance(found, HttpResponse):
        return found
    interaction = found
    client = interaction.client
    linked = [c.pk for c in interaction.contacts.all()]
    initial = {
        "date": interaction.date,
        "channel": interaction.channel,
        "personal": interaction.personal,
        "tone": interaction.tone,
        "summary": interaction.summary,
        "duration_minutes": interaction.duration_minutes,
        "contacts": linked,
    }
    form = InteractionEditForm(
        request.POST or None,
        client=client,
        planned=interaction.planned,
        linked=linked,
        author=_author_label(request.user, interaction),
        initial=initial,
    )
    warning = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("tone", "")
        try:
            revision = interaction_edit(actor=request.user, interaction=interaction, **data)
        except PauseNotConfirmed as exc:
            post = request.POST.copy()
            post["confirm_pause"] = "on"
            form = InteractionEditForm(
                post,
                client=client,
                planned=interaction.planned,
                linked=linked,
                author=_author_label(request.user, interaction),
            )
            form.is_valid()
            warning = exc.warning
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if revision is None:
                messages.info(request, _("Nothing changed."))
                return redirect(_to_card(client, "log"))
            messages.success(request, _("The entry is corrected; the history keeps the change."))
            if interaction.planned:
                return redirect(_to_card(client, "log"))
            return redirect(_to_card(client, propose=interaction.pk))
    context = {
        "client": client,
        "interaction": interaction,
        "form": form,
        "warning": warning,
        "revisions": revisions_for(
            viewer=request.user, client_id=client.pk, interaction_id=interaction.pk
        ),
        "hours": company_settings().log_correction_hours,
    }
    return render(
        request, "relations/interaction_edit.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def interaction_delete_view(
    request: AuthenticatedRequest, client_id: int, interaction_id: int
) -> HttpResponse:
    found = _correctable(request, client_id, interaction_id)
    if isinstance(found, HttpResponse):
        return found
    client = found.client
    if request.method == "POST":
        interaction_delete(actor=request.user, interaction=found)
        messages.success(request, _("The entry is deleted; the history keeps it."))
        return redirect(_to_card(client, "log"))
    context = {"client": client, "interaction": found}
    return render(request, "relations/interaction_delete.html", context)


def _today_base(request: AuthenticatedRequest) -> dict[str, Any]:
    """What every Today section gets, lazy or not (see kam.core.composition.TodaySection)."""
    scope = scope_of(request.user)
    can_team = scope in (Scope.TEAM, Scope.ALL)
    team = can_team and request.GET.get("view") == "team"
    return {
        "team": team,
        "today": timezone.localdate(),
        "can_team": can_team,
        "today_url": reverse("today") + ("?view=team" if team else ""),
        "now": timezone.localdate(),
    }


def today_view(request: AuthenticatedRequest) -> HttpResponse:
    base = _today_base(request)
    page = today_page(viewer=request.user, team=base["team"], today=base["today"])
    # The page's own figures, for the sections rendered with it (lazy ones load without them).
    base |= {
        "page": page,
        "complete_form": CompleteForm(),
        "plan_count": len(page.actions) + len(page.goals),
        "task_count": len(page.tasks),
    }
    context = {**base, "sections": render_today_sections(request, base)}
    return render(request, "relations/today.html", context)


def today_section_view(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """A lazily loaded Today section (htmx fragment); 404 when unknown, not lazy or not the
    viewer's. `?view=team` as on the page."""
    section = today_section(key)
    if section is None or not section.lazy or not section.allowed(request.user):
        raise Http404
    return HttpResponse(render_section(section, request, _today_base(request)))


# --- Stages, bank, checklist: they follow client visibility (not dossier visibility) ---------


LIST_LIMIT = 100


def _to_card(client: Client, anchor: str = "relationship", /, **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get_absolute_url() + (f"?{query}" if query else "") + f"#{anchor}"


@require_POST
def stage_set_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            change = stage_set(
                actor=request.user,
                client=client,
                stage=form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["date"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Stage changed."))
            params: dict[str, object] = {}
            if change.stage.template_tasks:
                params["offer_checklist"] = change.stage_id
            return htmx_or_redirect(request, _to_card(client, **params))
    return render_card(request, client_id, status=400, stage_form=form)


@require_POST
def checklist_template_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    stage = stage_find(positive_int(request.POST.get("stage"), 0))
    if stage is None or not stage.template_tasks:
        messages.error(request, _("This stage has no checklist template."))
        return htmx_or_redirect(request, _to_card(client))
    created = checklist_from_template(actor=request.user, client=client, stage=stage)
    messages.success(
        request,
        ngettext(
            "%(count)d task added to the checklist.",
            "%(count)d tasks added to the checklist.",
            len(created),
        )
        % {"count": len(created)},
    )
    return htmx_or_redirect(request, _to_card(client, "checklist"))


@require_POST
def bank_add_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    stage_change = current_stage(client)
    form = BankEntryForm(request.POST, stage=stage_change.stage if stage_change else None)
    if form.is_valid():
        data = form.cleaned_data
        interaction = None
        if data.get("interaction"):
            interaction = interaction_of(client, data["interaction"])
        try:
            bank_entry_add(
                actor=request.user,
                client=client,
                kind=data["kind"],
                weight=data["weight"],
                note=data["note"],
                on=data["date"],
                interaction=interaction,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Entry added to the emotional bank account."))
            return htmx_or_redirect(request, safe_next(request, _to_card(client)))
    return render_card(request, client_id, status=400, bank_form=form)


@require_POST
def task_add_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = TaskForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            task_add(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Task added."))
            return htmx_or_redirect(request, _to_card(client, "checklist"))
    return render_card(request, client_id, status=400, task_form=form)


@require_POST
def task_done_view(request: AuthenticatedRequest, client_id: int, task_id: int) -> HttpResponse:
    task = task_get(viewer=request.user, client_id=client_id, task_id=task_id)
    task_set_done(actor=request.user, task=task, done=request.POST.get("done") != "0")
    return htmx_or_redirect(request, safe_next(request, _to_card(task.client, "checklist")))


@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def bank_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    account = bank_account(viewer=request.user, client_id=client_id)
    return render(
        request,
        "relations/bank.html",
        {"client": client, "bank": account, "trend": trend_figure(account.trend)},
    )


@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def overview_view(request: AuthenticatedRequest) -> HttpResponseBase:
    clients = visible_clients(request.user, include_archived=False)
    if request.GET.get("format") in EXPORT_FORMATS:
        headers = [_("Client"), _("Manager"), _("Stage"), _("Balance"), _("Alerts")]
        rows = (
            [
                r.client.name,
                r.client.manager.display_name,
                r.stage.name if r.stage else "",
                r.balance,
                ", ".join(r.alerts),
            ]
            for r in relation_rows(clients)
        )
        return export_response(request.GET["format"], "relationships", headers, rows)
    counts = stage_distribution(clients)
    ordered = [(s.name, counts.get(s.pk, 0)) for s in stages()]
    ordered.append((_("No stage yet"), counts.get(None, 0)))
    alerts = relation_rows(clients, alerts_only=True, by_balance=True, limit=LIST_LIMIT + 1)
    context = {
        "scope": scope_of(request.user),
        "stage_counts": ordered,
        "alerts": alerts[:LIST_LIMIT],
        "more_alerts": len(alerts) > LIST_LIMIT,
        # The clients with an alert are listed above; here come the lowest of the others.
        "rows": relation_rows(clients, without_alerts=True, by_balance=True, limit=LIST_LIMIT),
        "trend": trend_figure(company_trend(clients), title=_("Sum of balances by month")),
        "stages_chart": stages_figure(ordered),
    }
    return render(request, "relations/overview.html", context)


def _setup(request: AuthenticatedRequest, formset_class: Any, title: str) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    formset = formset_class(request.POST or None)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Changes saved."))
        return redirect(request.path)
    context = {
        "formset": formset,
        "title": title,
        "crumb_url": reverse("relations:overview"),
        "crumb_label": _("Relationships"),
    }
    return render(request, "core/formset_page.html", context, status=400 if formset.errors else 200)


@require_http_methods(["GET", "POST"])
def stages_setup_view(request: AuthenticatedRequest) -> HttpResponse:
    return _setup(request, StageFormSet, _("Relationship stages"))


@require_http_methods(["GET", "POST"])
def catalogue_setup_view(request: AuthenticatedRequest) -> HttpResponse:
    return _setup(request, CatalogueFormSet, _("Typical bank entries"))
