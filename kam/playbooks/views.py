"""Complaint cases: the list and one case with its steps. Views only parse, call and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kam.core.exporting import EXPORT_FORMATS, export_response
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest
from kam.playbooks.choices import CaseStep
from kam.playbooks.forms import CaseStepForm
from kam.playbooks.selectors import case_get, cases_for
from kam.playbooks.services import STEPS, case_step


def case_list_view(request: AuthenticatedRequest) -> HttpResponseBase:
    cases = cases_for(request.user).order_by("closed_at", "-opened_at")
    if request.GET.get("format") in EXPORT_FORMATS:
        headers = [_("Client"), _("Owner"), _("Opened"), _("Closed"), _("Score"), _("Root cause")]
        rows = (
            [
                c.client.name,
                c.owner.display_name,
                c.opened_at,
                c.closed_at,
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
    if request.method == "POST" and form.is_valid() and next_step is not None:
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
        "elapsed": (case.closed_at or timezone.now()) - case.opened_at,
    }
    return render(
        request, "playbooks/case_detail.html", context, status=400 if form.errors else 200
    )
