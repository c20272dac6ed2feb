"""Playbook pages: the type cards, tagging and checklist ticks on the client card, complaint
cases (open, steps, diagnosis), the complaints report and the admin's setup. Views only parse,
call and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users, client_get, visible_managers
from kam.clients.card import render_card
from kam.core.exporting import EXPORT_FORMATS, export_response
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, positive_int
from kam.playbooks.choices import CaseStep
from kam.playbooks.exports import local, report_rows
from kam.playbooks.forms import (
    CaseOpenForm,
    CaseStepForm,
    CauseForm,
    PlaybookSettingsForm,
    ReportForm,
    TagForm,
    TypeEditForm,
)
from kam.playbooks.models import playbook_settings
from kam.playbooks.selectors import (
    ReportFilters,
    all_causes,
    case_age,
    case_get,
    cases_for,
    cause_find,
    checklist_item_find,
    complaints_report,
    tag_get,
    type_get,
    types_list,
)
from kam.playbooks.services import (
    STEPS,
    case_open,
    case_step,
    cause_add,
    cause_set_active,
    settings_update,
    tag_add,
    tag_remove,
    tick_set,
    type_update,
)


def _to_panel(client_id: int) -> HttpResponse:
    response = redirect("clients:client-detail", client_id)
    response["Location"] += "#playbook"
    return response


def type_list_view(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "playbooks/type_list.html",
        {"types": types_list(), "can_edit": can_manage_users(request.user)},
    )


@require_http_methods(["GET", "POST"])
def type_edit_view(request: AuthenticatedRequest, code: str) -> HttpResponse:
    if not can_manage_users(request.user):
        raise PermissionDenied
    kind = type_get(code)
    lines = "\n".join(f"{i.text_ru} | {i.text_en}" for i in kind.items.all())
    form = TypeEditForm(request.POST or None, instance=kind, initial={"checklist": lines})
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TypeEditForm.Meta.fields}
        type_update(actor=request.user, kind=kind, items=form.checklist_items(), **fields)
        messages.success(request, _("The card is saved."))
        return redirect("playbooks:type-list")
    status = 400 if form.errors else 200
    return render(request, "playbooks/type_edit.html", {"form": form, "kind": kind}, status=status)


@require_http_methods(["GET", "POST"])
def setup_view(request: AuthenticatedRequest) -> HttpResponse:
    """SLA per step, the numbers of the behaviours, and the root-cause list (admins)."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    form = PlaybookSettingsForm(
        request.POST if "save_settings" in request.POST else None, instance=playbook_settings()
    )
    cause_form = CauseForm(request.POST if "add_cause" in request.POST else None)
    if request.method == "POST":
        toggle = positive_int(request.POST.get("toggle_cause"), 0)
        cause = cause_find(toggle)
        if cause is not None:
            cause_set_active(actor=request.user, cause=cause, active=not cause.is_active)
            return redirect("playbooks:setup")
        if form.is_bound and form.is_valid():
            settings_update(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Settings saved."))
            return redirect("playbooks:setup")
        if cause_form.is_bound and cause_form.is_valid():
            cause_add(actor=request.user, **cause_form.cleaned_data)
            return redirect("playbooks:setup")
    context = {"form": form, "cause_form": cause_form, "causes": all_causes()}
    bound = form.is_bound or cause_form.is_bound
    return render(request, "playbooks/setup.html", context, status=400 if bound else 200)


@require_POST
def tag_add_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = TagForm(request.POST, prefix="tag")
    if form.is_valid():
        try:
            tag_add(
                actor=request.user,
                client=client,
                type_code=form.cleaned_data["type"].code,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The type is added to the client."))
            return _to_panel(client.pk)
    return render_card(request, client.pk, status=400, tag_form=form)


@require_POST
def tag_remove_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    try:
        tag = tag_get(viewer=request.user, client_id=client.pk, code=request.POST.get("type", ""))
    except Http404:
        return render_card(request, client.pk, status=400)
    tag_remove(actor=request.user, tag=tag)
    messages.success(request, _("The type is removed; it stays in the history."))
    return _to_panel(client_id)


@require_POST
def tick_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    item = checklist_item_find(positive_int(request.POST.get("item"), 0))
    if item is None:
        return render_card(request, client.pk, status=400)
    try:
        tick_set(
            actor=request.user, client=client, item=item, ticked=request.POST.get("ticked") == "1"
        )
    except ValidationError:
        return render_card(request, client.pk, status=400)
    return _to_panel(client.pk)


@require_POST
def case_open_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    form = CaseOpenForm(request.POST, prefix="case")
    if form.is_valid():
        case = case_open(client=client, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The complaint case is open."))
        return redirect("playbooks:case-detail", case.pk)
    return render_card(request, client.pk, status=400, case_form=form)


def case_list_view(request: AuthenticatedRequest) -> HttpResponseBase:
    cases = cases_for(request.user).order_by("closed_at", "-opened_at")
    if request.GET.get("format") in EXPORT_FORMATS:
        headers = [_("Client"), _("Owner"), _("Opened"), _("Closed"), _("Score"), _("Root cause")]
        rows = (
            [
                c.client.name,
                c.owner.display_name,
                local(c.opened_at),
                local(c.closed_at),
                c.answer.score if c.answer else "",
                c.root_cause,
            ]
            for c in cases
        )
        return export_response(request.GET["format"], "complaint-cases", headers, rows)
    cases = cases[:200]
    return render(request, "playbooks/case_list.html", {"cases": cases, "now": timezone.now()})


@require_http_methods(["GET", "POST"])
def case_detail_view(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    case = case_get(viewer=request.user, case_id=case_id)
    form = CaseStepForm(request.POST or None)
    done = {record.step: record for record in case.steps.select_related("done_by")}
    next_step = next((s for s in STEPS if s.value not in done), None)
    if request.method == "POST" and next_step is None:
        form.add_error(None, _("The case is closed."))
    elif request.method == "POST" and form.is_valid() and next_step is not None:
        try:
            case_step(actor=request.user, case=case, step=next_step.value, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("playbooks:case-detail", case.pk)
    steps = [(step, done.get(step.value)) for step in CaseStep]
    context = {
        "case": case,
        "steps": steps,
        "next_step": next_step,
        "form": form,
        "is_diagnosis": next_step == CaseStep.DIAGNOSE,
        "age": case_age(case),
        "now": timezone.now(),
    }
    return render(
        request, "playbooks/case_detail.html", context, status=400 if form.errors else 200
    )


def report_view(request: AuthenticatedRequest) -> HttpResponseBase:
    """Complaints: open/closed, age, SLA breaches and the Pareto of root causes."""
    form = ReportForm(request.GET or None, managers=visible_managers(request.user))
    filters = ReportFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = ReportFilters(data["date_from"], data["date_to"], data["manager"], data["type"])
    report = complaints_report(viewer=request.user, filters=filters)
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        headers, rows = report_rows(report)
        return export_response(fmt, "complaints-report", headers, rows)
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    return render(request, "playbooks/report.html", context, status=status)
