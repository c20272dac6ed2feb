"""Client list and card, contacts and revenue on the card. Views only parse, call and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users, can_read_dossier, client_get
from kam.accounts.models import User
from kam.clients.card import render_card, render_card_panel
from kam.clients.choices import ClientStatus
from kam.clients.exports import client_list_export
from kam.clients.forms import (
    ClientFilterForm,
    ClientForm,
    CompetitorForm,
    ContactDateForm,
    ContactForm,
    DossierNotesForm,
    ReassignForm,
)
from kam.clients.models import Contact
from kam.clients.selectors import (
    ClientFilters,
    client_list,
    competitor_get,
    contact_confidential,
    contact_get,
    dossier_client_for_write,
    dossier_get,
    python_sort,
    python_sorted_ids,
)
from kam.clients.services import (
    client_create,
    client_set_status,
    client_update,
    clients_reassign,
    competitor_archive,
    competitor_save,
    contact_archive,
    contact_create,
    contact_date_add,
    contact_date_delete,
    contact_update,
    dossier_mark_reviewed,
    dossier_save,
)
from kam.core.composition import client_columns
from kam.core.exporting import EXPORT_FORMATS
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, htmx_or_redirect, positive_int, safe_next

# A column sorted outside SQL (health) scores every listed client: up to this many.
PYTHON_SORT_LIMIT = 5000


def _session(request: AuthenticatedRequest) -> str:
    return request.session.session_key or ""


def _filters(form: ClientFilterForm) -> ClientFilters:
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ClientStatus.ACTIVE
    return ClientFilters(
        q=data.get("q") or "",
        manager=data.get("manager") or None,
        segment=data.get("segment") or "",
        channel=data.get("channel") or "",
        status="" if status == "all" else status,
        sort=form.data.get("sort", "name"),
    )


def client_list_view(request: AuthenticatedRequest) -> HttpResponseBase:
    columns = client_columns(request.user)
    form = ClientFilterForm(request.GET or None, viewer=request.user, columns=columns)
    filters = _filters(form)
    clients = client_list(viewer=request.user, filters=filters, columns=columns)
    by_python = python_sort(filters.sort, columns)
    ordered = None
    if by_python is not None and clients.count() > PYTHON_SORT_LIMIT:
        # Scoring every client of a very large list would take most of a minute.
        messages.info(
            request,
            _("Narrow the list to %(limit)s clients or fewer to sort it by this column.")
            % {"limit": PYTHON_SORT_LIMIT},
        )
        by_python = None
    if by_python is not None:
        column, descending = by_python
        ordered = python_sorted_ids(clients, column, descending=descending, viewer=request.user)
    if request.GET.get("format") in EXPORT_FORMATS:
        return client_list_export(
            request.GET["format"],
            clients,
            columns=columns,
            viewer=request.user,
            with_status=filters.status != ClientStatus.ACTIVE,
            ordered=ordered,
        )
    number = positive_int(request.GET.get("page"), 1)
    page: Page[Any]
    if ordered is None:
        page = Paginator(clients, 50).get_page(number)
        rows = list(page.object_list)
    else:
        page = Paginator(ordered, 50).get_page(number)
        found = clients.in_bulk(list(page.object_list))
        rows = [found[pk] for pk in page.object_list if pk in found]
    for column in columns:
        column.prepare(rows, request.user)
    context = {
        "form": form,
        "page": page,
        "sort": filters.sort,
        "columns": columns,
        "rows": [(client, [(c, c.cell(client)) for c in columns]) for client in rows],
    }
    template = "clients/client_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def client_create_view(request: AuthenticatedRequest) -> HttpResponse:
    form = ClientForm(request.POST or None, viewer=request.user, initial={"manager": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            client = client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Client created."))
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@require_http_methods(["GET", "POST"])
def client_edit_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = ClientForm(request.POST or None, instance=client, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client_update(
                actor=request.user, client=client_get(request.user, client_id), **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(client)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


def client_detail_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    return render_card(request, client_id)


def card_panel_view(request: AuthenticatedRequest, client_id: int, key: str) -> HttpResponse:
    """A lazily loaded card panel (htmx fragment), access-checked like the card."""
    return render_card_panel(request, client_id, key)


@require_POST
def client_archive_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    client_set_status(actor=request.user, client=client, status=ClientStatus.ARCHIVED)
    messages.success(request, _("Client archived. It no longer appears in lists and figures."))
    return htmx_or_redirect(request, client.get_absolute_url())


@require_POST
def client_restore_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    client_set_status(actor=request.user, client=client, status=ClientStatus.ACTIVE)
    messages.success(request, _("Client restored."))
    return htmx_or_redirect(request, client.get_absolute_url())


@never_cache
@require_POST
def contact_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = ContactForm(request.POST, confidential=can_read_dossier(request.user, client))
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            contact_create(actor=request.user, client=client, roles=data.pop("roles"), **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return htmx_or_redirect(
                request, safe_next(request, client.get_absolute_url() + "#contacts")
            )
    if request.POST.get("from") == "dossier" and can_read_dossier(request.user, client):
        # Added from the dossier's buying centre: the errors show there, not on the card.
        return _dossier_page(request, client_id, status=400, contact_form=form)
    return render_card(request, client_id, contact_form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def contact_edit_view(
    request: AuthenticatedRequest, client_id: int, contact_id: int
) -> HttpResponse:
    contact = contact_get(viewer=request.user, client_id=client_id, contact_id=contact_id)
    form = ContactForm(
        request.POST or None,
        instance=contact,
        initial={"roles": contact.role_codes},
        confidential=contact_confidential(
            viewer=request.user, contact=contact, session_key=_session(request)
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            # The form wrote the new values into `contact`; the service compares against a fresh
            # copy so that it sees (and records) what changed.
            fresh = contact_get(viewer=request.user, client_id=client_id, contact_id=contact_id)
            contact_update(actor=request.user, contact=fresh, roles=data.pop("roles"), **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Contact saved."))
            return redirect(contact.client.get_absolute_url() + "#contacts")
    return render(
        request,
        "clients/contact_form.html",
        _contact_context(request, contact, form=form),
        status=400 if form.errors else 200,
    )


def _contact_context(
    request: AuthenticatedRequest, contact: Contact, **forms: BaseForm
) -> dict[str, object]:
    confidential = contact_confidential(
        viewer=request.user, contact=contact, session_key=_session(request)
    )
    return {
        "form": forms.get("form")
        or ContactForm(
            instance=contact, initial={"roles": contact.role_codes}, confidential=confidential
        ),
        "date_form": forms.get("date_form") or ContactDateForm(),
        "dates": contact.dates.all(),
        "contact": contact,
        "client": contact.client,
    }


@require_POST
def contact_archive_view(
    request: AuthenticatedRequest, client_id: int, contact_id: int
) -> HttpResponse:
    contact = contact_get(viewer=request.user, client_id=client_id, contact_id=contact_id)
    contact_archive(actor=request.user, contact=contact)
    messages.success(request, _("Contact removed from the card."))
    return htmx_or_redirect(request, contact.client.get_absolute_url() + "#contacts")


# --- Dossier: 404 for everyone but the client's manager and that manager's direct supervisor ---


def _dossier_page(
    request: AuthenticatedRequest, client_id: int, *, status: int = 200, **forms: BaseForm
) -> HttpResponse:
    page = dossier_get(viewer=request.user, client_id=client_id, session_key=_session(request))
    context = {
        "page": page,
        "client": page.client,
        "notes_form": forms.get("notes_form")
        or DossierNotesForm(initial={"notes": page.dossier.notes}),
        "competitor_form": forms.get("competitor_form") or CompetitorForm(),
        "date_form": forms.get("date_form") or ContactDateForm(),
        "contact_form": forms.get("contact_form") or ContactForm(confidential=True),
    }
    return render(request, "clients/dossier.html", context, status=status)


@never_cache
def dossier_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    return _dossier_page(request, client_id)


@never_cache
@require_POST
def dossier_notes_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = dossier_client_for_write(
        viewer=request.user, client_id=client_id, session_key=_session(request)
    )
    form = DossierNotesForm(request.POST)
    if not form.is_valid():
        return _dossier_page(request, client_id, status=400, notes_form=form)
    dossier_save(actor=request.user, client=client, notes=form.cleaned_data["notes"])
    messages.success(request, _("Dossier notes saved."))
    return htmx_or_redirect(request, reverse("clients:dossier", args=[client.pk]))


@never_cache
@require_POST
def dossier_review_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = dossier_client_for_write(
        viewer=request.user, client_id=client_id, session_key=_session(request)
    )
    dossier_mark_reviewed(actor=request.user, client=client)
    messages.success(request, _("Dossier marked as reviewed today."))
    return htmx_or_redirect(
        request, safe_next(request, reverse("clients:dossier", args=[client.pk]))
    )


@never_cache
@require_POST
def competitor_create_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = dossier_client_for_write(
        viewer=request.user, client_id=client_id, session_key=_session(request)
    )
    form = CompetitorForm(request.POST)
    if form.is_valid():
        try:
            competitor_save(actor=request.user, client=client, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Competitor added."))
            return htmx_or_redirect(request, reverse("clients:dossier", args=[client.pk]))
    return _dossier_page(request, client_id, status=400, competitor_form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def competitor_edit_view(
    request: AuthenticatedRequest, client_id: int, competitor_id: int
) -> HttpResponse:
    competitor = competitor_get(
        viewer=request.user,
        client_id=client_id,
        competitor_id=competitor_id,
        session_key=_session(request),
    )
    form = CompetitorForm(request.POST or None, instance=competitor)
    if request.method == "POST" and form.is_valid():
        fresh = competitor_get(
            viewer=request.user,
            client_id=client_id,
            competitor_id=competitor_id,
            session_key=_session(request),
        )
        try:
            competitor_save(
                actor=request.user, client=fresh.client, competitor=fresh, **form.cleaned_data
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Competitor saved."))
            return redirect(reverse("clients:dossier", args=[client_id]))
    return render(
        request,
        "clients/competitor_form.html",
        {"form": form, "competitor": competitor, "client": competitor.client},
        status=400 if form.errors else 200,
    )


@never_cache
@require_POST
def competitor_archive_view(
    request: AuthenticatedRequest, client_id: int, competitor_id: int
) -> HttpResponse:
    competitor = competitor_get(
        viewer=request.user,
        client_id=client_id,
        competitor_id=competitor_id,
        session_key=_session(request),
    )
    competitor_archive(actor=request.user, competitor=competitor)
    messages.success(request, _("Competitor removed from the dossier."))
    return htmx_or_redirect(request, reverse("clients:dossier", args=[client_id]))


@never_cache
@require_POST
def contact_date_create_view(
    request: AuthenticatedRequest, client_id: int, contact_id: int
) -> HttpResponse:
    contact = contact_get(viewer=request.user, client_id=client_id, contact_id=contact_id)
    form = ContactDateForm(request.POST)
    if form.is_valid():
        contact_date_add(actor=request.user, contact=contact, **form.cleaned_data)
        messages.success(request, _("Important date added."))
        return htmx_or_redirect(
            request, reverse("clients:contact-edit", args=[client_id, contact_id])
        )
    return render(
        request,
        "clients/contact_form.html",
        _contact_context(request, contact, date_form=form),
        status=400,
    )


@require_POST
def contact_date_delete_view(
    request: AuthenticatedRequest, client_id: int, contact_id: int, date_id: int
) -> HttpResponse:
    contact = contact_get(viewer=request.user, client_id=client_id, contact_id=contact_id)
    record = contact.dates.filter(pk=date_id).first()
    if record is None:
        raise Http404
    contact_date_delete(actor=request.user, record=record)
    messages.success(request, _("Important date removed."))
    return htmx_or_redirect(request, reverse("clients:contact-edit", args=[client_id, contact_id]))


@require_POST
def clients_reassign_view(request: AuthenticatedRequest, user_id: int) -> HttpResponse:
    """An admin hands every client of one person (e.g. a leaver) to another; each is logged."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    source = get_object_or_404(User, pk=user_id)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to hand the clients to."))
    else:
        try:
            moved = clients_reassign(
                actor=request.user, source=source, target=form.cleaned_data["target"]
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d client handed over.", "%(count)d clients handed over.", moved)
                % {"count": moved},
            )
    return redirect("accounts:user-edit", user_id=source.pk)
