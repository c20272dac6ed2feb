"""Pages of the contrast analysis: the list, one analysis (picks and candidates), the
questionnaire of a picked client, the synthesis with its Pareto charts and tasks, the XLSX
export and the cause-tag vocabulary. Thin views: parse, fetch through access, call, respond."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import can_manage_users, client_get
from kam.core.exporting import _disposition
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, positive_int
from kam.reviews import selectors as sel
from kam.reviews import services as svc
from kam.reviews.charts import pareto_figure
from kam.reviews.choices import HINTS, Side
from kam.reviews.exports import workbook_bytes
from kam.reviews.forms import AnalysisForm, AnswerForm, PickForm, TagForm, TaskForm
from kam.reviews.models import CauseTag
from kam.reviews.texts import evidence_items


def _messages(request: AuthenticatedRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _list_page(
    request: AuthenticatedRequest, form: AnalysisForm, status: int = 200
) -> HttpResponse:
    context = {
        "analyses": sel.analysis_list(request.user),
        "form": form,
        "may_run": sel.may_run_analyses(request.user),
    }
    return render(request, "reviews/analysis_list.html", context, status=status)


def analysis_list_view(request: AuthenticatedRequest) -> HttpResponse:
    return _list_page(request, AnalysisForm())


@require_POST
def analysis_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not sel.may_run_analyses(request.user):
        raise PermissionDenied
    form = AnalysisForm(request.POST)
    if form.is_valid():
        try:
            analysis = svc.analysis_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("reviews:analysis", analysis.pk)
    return _list_page(request, form, status=400)


def _with_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**c, "items": evidence_items(c["evidence"])} for c in items]


def analysis_view(request: AuthenticatedRequest, analysis_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    picked = sel.entries(request.user, analysis)
    query = (request.GET.get("q") or "")[:100]
    found, scored_at = sel.candidates(request.user, analysis)
    context = {
        "analysis": analysis,
        "may_run": sel.may_run_analyses(request.user),
        "sides": [
            {
                "code": side.value,
                "label": side.label,
                "entries": [
                    (e, evidence_items(e.evidence), len(e.answers.all()))
                    for e in picked
                    if e.side == side
                ],
                "candidates": _with_evidence(found[side.value]),
            }
            for side in Side
        ],
        "scored_at": scored_at,
        "hidden": sel.hidden_count(request.user, analysis),
        "query": query,
        "search": sel.client_search(request.user, analysis, query),
        "limit": 10,
    }
    return render(request, "reviews/analysis_detail.html", context)


@require_POST
def pick_view(request: AuthenticatedRequest, analysis_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    back = reverse("reviews:analysis", args=[analysis.pk])
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a client and a side."))
        return redirect(back)
    client = client_get(request.user, form.cleaned_data["client"])
    try:
        svc.entry_add(
            actor=request.user,
            analysis=analysis,
            client=client,
            side=form.cleaned_data["side"],
            evidence_note=form.cleaned_data["evidence_note"],
        )
    except ValidationError as exc:
        _messages(request, exc)
    else:
        messages.success(request, _("%(client)s added.") % {"client": client.name})
    return redirect(back)


@require_POST
def unpick_view(request: AuthenticatedRequest, analysis_id: int, entry_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    entry = sel.entry_get(request.user, analysis, entry_id)
    if not sel.may_run_analyses(request.user):
        raise PermissionDenied
    svc.entry_remove(actor=request.user, entry=entry)
    return redirect("reviews:analysis", analysis.pk)


def _answer_forms(request: AuthenticatedRequest, entry: Any) -> list[AnswerForm]:
    given = sel.answers_by_question(entry)
    prefill = sel.prefill(request.user, entry)
    forms = []
    for question in sel.questions_of(entry.side):
        answer = given.get(question)
        initial: dict[str, Any] = {"option": prefill.get(question, "")}
        if answer is not None:
            initial = {
                "text": answer.text,
                "option": answer.option,
                "tags": list(answer.tags.all()),
            }
        data = request.POST if request.method == "POST" else None
        forms.append(AnswerForm(data, question=question, side=entry.side, initial=initial))
    return forms


@require_http_methods(["GET", "POST"])
def entry_view(request: AuthenticatedRequest, analysis_id: int, entry_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    entry = sel.entry_get(request.user, analysis, entry_id)
    forms = _answer_forms(request, entry)
    status = 200
    if request.method == "POST":
        if not sel.may_run_analyses(request.user):
            raise PermissionDenied
        if all(f.is_valid() for f in forms):
            try:
                for f in forms:
                    svc.answer_save(
                        actor=request.user,
                        entry=entry,
                        question=f.question,
                        text=f.cleaned_data["text"],
                        option=f.cleaned_data.get("option") or "",
                        tags=f.cleaned_data["tags"],
                    )
            except ValidationError as exc:
                _messages(request, exc)
            else:
                messages.success(request, _("Answers saved."))
                return redirect("reviews:entry", analysis.pk, entry.pk)
        status = 400
    context = {
        "analysis": analysis,
        "entry": entry,
        "evidence": evidence_items(entry.evidence),
        "forms": [(f, HINTS.get(f.question, "")) for f in forms],
        "may_run": sel.may_run_analyses(request.user),
    }
    return render(request, "reviews/entry.html", context, status=status)


def _task_initial(request: AuthenticatedRequest) -> dict[str, Any]:
    """A fix (or strength) chosen on the synthesis page prefills the task form."""
    tag = sel.tag_find(positive_int(request.GET.get("tag"), 0))
    if tag is None:
        return {}
    if request.GET.get("side") == Side.SATISFIED:
        title = _("Reinforce: %(tag)s") % {"tag": tag.name}
    else:
        title = _("Fix: %(tag)s") % {"tag": tag.name}
    return {"tag": tag.pk, "title": title, "due": timezone.localdate() + timedelta(days=30)}


def _synthesis_page(
    request: AuthenticatedRequest, analysis_id: int, task_form: TaskForm | None = None
) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    result = sel.synthesis(request.user, analysis)
    owners = sel.task_owners(request.user)
    sides = []
    for side, title in (
        (Side.SATISFIED, _("Satisfied: strengths to reinforce")),
        (Side.DISSATISFIED, _("Dissatisfied: fixes to do first")),
    ):
        data = result.side(side)
        sides.append(
            {
                "code": side.value,
                "title": title,
                "data": data,
                "figure": pareto_figure(data, title=title) if data.rows else None,
                "focus": [(r, result.tag_ids.get(r.tag)) for r in data.focus],
            }
        )
    context = {
        "analysis": analysis,
        "sides": sides,
        "tag_ids": result.tag_ids,
        "tasks": sel.tasks_of(analysis),
        "task_form": task_form or TaskForm(owners=owners, initial=_task_initial(request)),
        "owners": owners,
        "may_run": sel.may_run_analyses(request.user),
        "hidden": sel.hidden_count(request.user, analysis),
    }
    status = 400 if task_form is not None else 200
    return render(request, "reviews/synthesis.html", context, status=status)


def _synthesis_view(request: AuthenticatedRequest, analysis_id: int) -> HttpResponse:
    return _synthesis_page(request, analysis_id)


# plotly.js sets style attributes on the SVG it draws; scripts stay strictly 'self'.
synthesis_view = csp_update({"style-src": ["'unsafe-inline'"]})(_synthesis_view)  # type: ignore[arg-type]


@require_POST
def task_create_view(request: AuthenticatedRequest, analysis_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    if not sel.may_run_analyses(request.user):
        raise PermissionDenied
    form = TaskForm(request.POST, owners=sel.task_owners(request.user))
    if form.is_valid():
        try:
            svc.task_create(actor=request.user, analysis=analysis, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Task created."))
            return redirect(reverse("reviews:synthesis", args=[analysis.pk]) + "#tasks")
    return _synthesis_page(request, analysis.pk, task_form=form)


@require_POST
def task_done_view(request: AuthenticatedRequest, task_id: int) -> HttpResponseBase:
    task = sel.task_get(request.user, task_id)
    svc.task_set_done(actor=request.user, task=task, done=request.POST.get("undo") != "1")
    nxt = request.POST.get("next") or ""
    if nxt == "today":
        return redirect("today")
    return redirect(reverse("reviews:synthesis", args=[task.analysis_id]) + "#tasks")


def export_view(request: AuthenticatedRequest, analysis_id: int) -> HttpResponse:
    analysis = sel.analysis_get(request.user, analysis_id)
    result = sel.synthesis(request.user, analysis)
    content = workbook_bytes(
        analysis,
        sel.entries(request.user, analysis),
        {Side.SATISFIED: result.satisfied, Side.DISSATISFIED: result.dissatisfied},
        sel.tasks_of(analysis),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = _("contrast-analysis-%(id)s-%(date)s.xlsx") % {
        "id": analysis.pk,
        "date": analysis.as_of.isoformat(),
    }
    response["Content-Disposition"] = _disposition(filename)
    return response


@require_http_methods(["GET", "POST"])
def tags_view(request: AuthenticatedRequest) -> HttpResponse:
    """The cause-tag vocabulary, for admins: add a tag, retire one or use it again."""
    if not can_manage_users(request.user):
        raise PermissionDenied
    form = TagForm(request.POST if "add_tag" in request.POST else None)
    if request.method == "POST":
        toggle = positive_int(request.POST.get("toggle_tag"), 0)
        if toggle:
            tag = get_object_or_404(CauseTag, pk=toggle)
            svc.tag_set_active(actor=request.user, tag=tag, active=not tag.is_active)
            return redirect("reviews:tags")
        if form.is_valid():
            try:
                svc.tag_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Tag added."))
                return redirect("reviews:tags")
    context = {"form": form, "tags": sel.tag_list()}
    return render(request, "reviews/tags.html", context, status=400 if form.is_bound else 200)
