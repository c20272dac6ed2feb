"""Surveys pages: campaigns, the phone script, public link answers, results and cases."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kam.core.exporting import EXPORT_FORMATS, export_response
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest, client_address
from kam.core.models import branding
from kam.surveys.charts import histogram_figure, monthly_figure
from kam.surveys.choices import CampaignKind
from kam.surveys.domain import report_window
from kam.surveys.exports import IssuedRow, csv_href, links_csv_href, links_csv_name
from kam.surveys.forms import (
    BY_CHOICES,
    CampaignForm,
    EmployeeScoreForm,
    LinkScoreForm,
    ResultsForm,
    ScoreForm,
)
from kam.surveys.models import Campaign
from kam.surveys.selectors import (
    MIN_N,
    campaign_get,
    campaigns_for,
    departments_by_name,
    employee_campaign,
    enps_results,
    nps_report,
    respondent_get,
    respondents_for,
    whom_to_call,
)
from kam.surveys.services import (
    LinkRefused,
    answer_by_link,
    answer_employee,
    campaign_create,
    employee_invitation,
    invite_employees,
    issue_links,
    may_run_campaigns,
    record_phone_answer,
    respondent_for_token,
)

# Link pages: after this many refused links from one address in the window, that address is
# turned away for the rest of it (guessing tokens is hopeless anyway at 192 bits).
RATE_LIMIT = 20
RATE_WINDOW = 600


def campaign_list_view(request: AuthenticatedRequest) -> HttpResponse:
    runner = may_run_campaigns(request.user)
    form = CampaignForm(
        viewer=request.user,
        initial={"start": timezone.localdate(), "end": timezone.localdate() + timedelta(days=30)},
    )
    return _campaign_list(request, form if runner else None)


def _campaign_list(
    request: AuthenticatedRequest, form: CampaignForm | None, status: int = 200
) -> HttpResponse:
    context = {"campaigns": campaigns_for(request.user)[:100], "form": form}
    return render(request, "surveys/campaign_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def campaign_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not may_run_campaigns(request.user):
        raise PermissionDenied
    if request.method == "GET":
        # After a refused form this address is in the address bar: a reload or a language
        # switch comes back here by GET and lands on the list with the form.
        return redirect("surveys:campaign-list")
    form = CampaignForm(request.POST, viewer=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            campaign = campaign_create(actor=request.user, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("surveys:campaign-detail", campaign.pk)
    return _campaign_list(request, form, status=400)


def link_url(request: HttpRequest) -> Any:
    def build(campaign: Campaign, token: str) -> str:
        name = "surveys:link" if campaign.kind == CampaignKind.CLIENT else "surveys:enps-link"
        return request.build_absolute_uri(reverse(name, args=[campaign.pk, token]))

    return build


def campaign_detail_view(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(viewer=request.user, campaign_id=campaign_id)
    context: dict[str, Any] = {"campaign": campaign, "runner": may_run_campaigns(request.user)}
    if campaign.by_link or campaign.kind == CampaignKind.EMPLOYEE:
        brand = branding()
        context["brand_missing"] = not (brand.company_name and brand.survey_from_email)
    if campaign.kind == CampaignKind.EMPLOYEE:
        context["enps"] = enps_results(campaign)
        context["closes"] = campaign.end + timedelta(days=1) if campaign.end < date.max else None
    else:
        respondents = list(respondents_for(viewer=request.user, campaign=campaign))
        context["respondents"] = respondents
        context["answered"] = sum(hasattr(r, "answer") for r in respondents)
    return render(request, "surveys/campaign_detail.html", context)


@require_POST
def send_links_view(request: AuthenticatedRequest, campaign_id: int) -> HttpResponse:
    campaign = campaign_get(viewer=request.user, campaign_id=campaign_id)
    remind = request.POST.get("remind") == "1"
    try:
        if campaign.kind == CampaignKind.EMPLOYEE:
            if not may_run_campaigns(request.user):
                raise PermissionDenied
            run = invite_employees(
                actor=request.user, campaign=campaign, link_url=link_url(request), remind=remind
            )
            context = {
                "campaign": campaign,
                "run": run,
                "remind": remind,
                # Unnamed, shuffled links only: the file tells no more than the page.
                "csv_href": csv_href([_("Personal link")], [[url] for url in run.printed]),
                "csv_name": links_csv_name(campaign),
            }
            response = render(request, "surveys/enps_links.html", context)
            response["Cache-Control"] = "no-store"
            return response
        issued = issue_links(
            actor=request.user, campaign=campaign, link_url=link_url(request), remind=remind
        )
    except (ValidationError, PermissionDenied):
        messages.error(request, _("This campaign does not send personal links."))
        return redirect("surveys:campaign-detail", campaign.pk)
    build = link_url(request)
    links = [
        IssuedRow(
            client=i.respondent.client.name,
            contact=i.contact_name,
            phone=i.contact_phone,
            email=i.email,
            url=build(campaign, i.token),
            expires=i.respondent.token_expires,
        )
        for i in issued
    ]
    context = {
        "campaign": campaign,
        "links": links,
        "remind": remind,
        "emailed": sum(bool(row.email) for row in links),
        "csv_href": links_csv_href(links),
        "csv_name": links_csv_name(campaign),
    }
    response = render(request, "surveys/links.html", context)
    response["Cache-Control"] = "no-store"  # the links exist in plain only in this answer
    return response


@require_http_methods(["GET", "POST"])
def phone_view(request: AuthenticatedRequest, campaign_id: int, client_id: int) -> HttpResponse:
    campaign = campaign_get(viewer=request.user, campaign_id=campaign_id)
    respondent = respondent_get(viewer=request.user, campaign=campaign, client_id=client_id)
    form = ScoreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answer = record_phone_answer(
                actor=request.user,
                campaign=campaign,
                client=respondent.client,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Answer recorded: %(score)s.") % {"score": answer.score})
            return redirect("surveys:campaign-detail", campaign.pk)
    answered = hasattr(respondent, "answer")
    context = {
        "campaign": campaign,
        "respondent": respondent,
        "form": form,
        "answered": answered,
        "whom": whom_to_call(respondent),
    }
    return render(request, "surveys/phone.html", context, status=400 if form.errors else 200)


def _rate_key(request: HttpRequest) -> str:
    return f"survey-link-refused:{client_address(request)}"


def _refusals(request: HttpRequest) -> tuple[int, float]:
    """(refused links, when the first of them came) for the caller's address."""
    count, since = caches["shared"].get(_rate_key(request), (0, time.time()))
    return int(count), float(since)


def _limited(request: HttpRequest) -> bool:
    return _refusals(request)[0] >= RATE_LIMIT


def _count_refusal(request: HttpRequest) -> None:
    """Count one refused link. The window is fixed from the first refusal (each write sets the
    remaining time, so the count always expires RATE_WINDOW after it began)."""
    count, since = _refusals(request)
    remaining = RATE_WINDOW - (time.time() - since)
    if remaining <= 0:
        count, since, remaining = 0, time.time(), RATE_WINDOW
    caches["shared"].set(_rate_key(request), (count + 1, since), timeout=remaining)


def _usable(campaign_id: int, token: str) -> bool:
    try:
        employee_invitation(campaign_id=campaign_id, token=token)
    except LinkRefused:
        return False
    return True


def _public_render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A page clients or employees see: the company's name and logo, no KAM navigation."""
    return _public(render(request, template, {**context, "brand": branding()}, status=status))


def _chosen_score(request: HttpRequest) -> dict[str, int]:
    """A number already picked in the e-mail (?score=7) is pre-selected; nothing is saved
    until the answer is sent."""
    raw = request.GET.get("score", "")
    return {"score": int(raw)} if raw.isdigit() and 0 <= int(raw) <= 10 else {}


def _public(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    if reason != "limited":
        _count_refusal(request)
    message = {
        "unknown": _("This link is not valid."),
        "expired": _("This link has expired."),
        "used": _("This link has already been used. Thank you, your answer is recorded."),
        "refused": _(
            "This link cannot be used: it is unknown, has expired, has already been used, "
            "or the survey is over. Nothing was recorded."
        ),
        "limited": _("Too many attempts. Please try again in a few minutes."),
    }[reason]
    return _public_render(request, "surveys/public_message.html", {"message": message}, status)


# The personal token is the credential on the public pages; with "Referrer-Policy: no-referrer"
# browsers send "Origin: null" on the form post, so Django's origin-based CSRF check cannot apply.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, campaign_id: int, token: str) -> HttpResponse:
    translation.activate("ru" if "lang" not in request.GET else request.GET["lang"][:2])
    try:
        respondent = respondent_for_token(campaign_id=campaign_id, token=token)
    except LinkRefused as exc:
        # Only refused links count against an address, and only they are turned away when it
        # has too many: a valid link always works, whatever others behind the same address did.
        if _limited(request):
            return _refused(request, "limited", 429)
        return _refused(request, exc.reason, 404 if exc.reason == "unknown" else 410)
    form = LinkScoreForm(
        request.POST if request.method == "POST" else None, initial=_chosen_score(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer_by_link(
                campaign_id=campaign_id,
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except LinkRefused as exc:
            return _refused(request, exc.reason, 410)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return _public_render(request, "surveys/thanks.html", {})
    context = {"form": form, "campaign": respondent.campaign}
    status = 400 if form.errors else 200
    return _public_render(request, "surveys/public_answer.html", context, status)


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def enps_link_view(request: HttpRequest, campaign_id: int, token: str) -> HttpResponse:
    """The eNPS form. Nothing here tells whether a link is valid, used or expired until a
    complete answer is sent (which spends a valid link): GET shows the same form for every
    token, and every refusal is the same page, so whoever sent the links cannot test them."""
    translation.activate("ru" if "lang" not in request.GET else request.GET["lang"][:2])
    campaign = employee_campaign(campaign_id)
    if campaign is None:
        raise Http404
    if request.method == "POST" and _limited(request) and not _usable(campaign_id, token):
        return _refused(request, "limited", 429)
    departments = list(departments_by_name())
    form = EmployeeScoreForm(
        request.POST if request.method == "POST" else None,
        departments=departments,
        initial=_chosen_score(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            answer_employee(
                campaign_id=campaign_id,
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                departments=form.department_scores(),
            )
        except LinkRefused:
            return _refused(request, "refused", 410)
        return _public_render(request, "surveys/thanks.html", {"employee": True})
    context = {"form": form, "campaign": campaign, "employee": True}
    status = 400 if form.errors else 200
    return _public_render(request, "surveys/public_answer.html", context, status)


@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def results_view(request: AuthenticatedRequest) -> HttpResponseBase:
    form = ResultsForm(request.GET or None)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    start, end = report_window(data.get("date_from"), data.get("date_to"), today=today)
    report = nps_report(viewer=request.user, start=start, end=end, by=data.get("by") or "manager")
    if request.GET.get("format") in EXPORT_FORMATS:
        headers = [_("Group"), "n", "NPS", _("Lower bound"), _("Upper bound"), _("indicative")]
        rows = [
            [
                label,
                fig.n,
                round(fig.value, 1) if fig.value is not None else "",
                round(fig.interval.low, 1) if fig.interval else "",
                round(fig.interval.high, 1) if fig.interval else "",
                _("yes") if fig.indicative else _("no"),
            ]
            for label, fig, _rank in report.groups
        ]
        return export_response(request.GET["format"], "nps", headers, rows)
    if not form.is_bound:
        form = ResultsForm(initial={"date_from": start, "date_to": end, "by": report.by})
    trend = nps_report(viewer=request.user, start=start, end=end, by="month")
    context = {
        "form": form,
        "report": report,
        "by_label": dict(BY_CHOICES).get(report.by, _("Group")),
        "histogram": histogram_figure(report.histogram),
        "trend": monthly_figure(trend.groups, min_n=MIN_N),
    }
    return render(request, "surveys/results.html", context)
