"""Pages of the ideal customer profile: the profile and ranking, the workshop, scoring,
the check against outcomes and the seller's time."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.accounts.access import client_get, visible_clients
from kam.core.forms import errors_to_form
from kam.core.http import AuthenticatedRequest
from kam.profiles import selectors as sel
from kam.profiles import services as svc
from kam.profiles.charts import time_figure
from kam.profiles.forms import (
    ActionForm,
    AssessmentForm,
    MergeForm,
    OppositeForm,
    PickForm,
    ScoresForm,
    TraitForm,
    WeightsForm,
    WorkshopForm,
)
from kam.profiles.models import PickKind, WorkshopPick, WorkshopStep, WorkshopTrait


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def profile_view(request: AuthenticatedRequest) -> HttpResponse:
    """The current profile with its weights, and the viewer's clients ranked by fit."""
    ranking = sel.fit_ranking(viewer=request.user)
    show_all = request.GET.get("all") == "1"
    rows = ranking.rows if show_all else ranking.scored
    weights_form = None
    if ranking.traits and svc.may_run_workshops(request.user):
        weights_form = WeightsForm(traits=ranking.traits)
    return render(
        request,
        "profiles/profile.html",
        {
            "ranking": ranking,
            "rows": rows[:500],
            "cut": len(rows) > 500,
            "show_all": show_all,
            "unscored": len(ranking.rows) - len(ranking.scored),
            "weights_form": weights_form,
            "may_run": svc.may_run_workshops(request.user),
        },
    )


@require_POST
def weights_view(request: AuthenticatedRequest) -> HttpResponse:
    if not svc.may_run_workshops(request.user):
        raise PermissionDenied
    traits = sel.version_traits(sel.current_version())
    form = WeightsForm(request.POST, traits=traits)
    if not traits or not form.is_valid():
        messages.error(request, _("Weights are numbers from 0 to 1000."))
        return redirect("profiles:profile")
    for trait, weight in form.weights().items():
        svc.trait_weight_set(actor=request.user, trait=trait, weight=weight)
    messages.success(request, _("Weights saved."))
    return redirect("profiles:profile")


def _workshops_page(
    request: AuthenticatedRequest, form: WorkshopForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "profiles/workshops.html",
        {
            "workshops": sel.workshop_list(),
            "form": form,
            "may_run": svc.may_run_workshops(request.user),
        },
        status=status,
    )


def workshop_list_view(request: AuthenticatedRequest) -> HttpResponse:
    return _workshops_page(request, WorkshopForm())


@require_POST
def workshop_create_view(request: AuthenticatedRequest) -> HttpResponse:
    if not svc.may_run_workshops(request.user):
        raise PermissionDenied
    form = WorkshopForm(request.POST)
    if form.is_valid():
        try:
            workshop = svc.workshop_create(actor=request.user, title=form.cleaned_data["title"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect("profiles:workshop", workshop.pk)
    return _workshops_page(request, form, status=400)


def workshop_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    workshop = sel.workshop_get(workshop_id)
    visible = set(
        visible_clients(request.user)
        .filter(pk__in=workshop.picks.values("client"))
        .values_list("pk", flat=True)
    )
    picks = list(workshop.picks.select_related("client", "participant"))
    query = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    found = []
    if query and workshop.step == WorkshopStep.PICK:
        found = list(
            visible_clients(request.user).filter(name__icontains=query).order_by("name")[:20]
        )
    traits = list(workshop.traits.select_related("participant").order_by("kind", "id"))
    merged = sel.merged_list(workshop)
    return render(
        request,
        "profiles/workshop.html",
        {
            "workshop": workshop,
            "steps": WorkshopStep.choices,
            "step_index": list(WorkshopStep.values).index(workshop.step),
            "picks": [(p, p.client_id in visible) for p in picks],
            "query": query,
            "found": found,
            "best": [t for t in traits if t.kind == PickKind.BEST],
            "worst": [t for t in traits if t.kind == PickKind.WORST],
            "merged": merged,
            "chosen_count": sum(1 for m in merged if m.item.chosen),
            "trait_form": TraitForm(),
            "may_run": svc.may_run_workshops(request.user),
            "version": workshop.versions.order_by("-number").first(),
        },
    )


def _workshop_post(request: AuthenticatedRequest, workshop_id: int) -> tuple[object, str]:
    workshop = sel.workshop_get(workshop_id)
    return workshop, reverse("profiles:workshop", args=[workshop.pk])


@require_POST
def pick_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    workshop, back = _workshop_post(request, workshop_id)
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a client and whether it is a best or a worst one."))
        return redirect(back)
    client = client_get(request.user, form.cleaned_data["client"])
    try:
        svc.pick_add(
            actor=request.user,
            workshop=workshop,  # type: ignore[arg-type]
            client=client,
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back)


@require_POST
def pick_remove_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    workshop, back = _workshop_post(request, workshop_id)
    try:
        pick_id = int(request.POST.get("pick", ""))
    except ValueError:
        return redirect(back)
    pick = get_object_or_404(WorkshopPick, pk=pick_id, workshop=workshop)
    try:
        svc.pick_remove(actor=request.user, pick=pick)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back)


@require_POST
def trait_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    workshop, back = _workshop_post(request, workshop_id)
    form = TraitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the trait and say whose it is: a best or a worst client."))
        return redirect(back)
    try:
        svc.trait_add(actor=request.user, workshop=workshop, **form.cleaned_data)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back)


@require_POST
def opposite_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    workshop, back = _workshop_post(request, workshop_id)
    form = OppositeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the positive opposite."))
        return redirect(back)
    trait = get_object_or_404(WorkshopTrait, pk=form.cleaned_data["trait"], workshop=workshop)
    try:
        svc.opposite_set(actor=request.user, trait=trait, opposite=form.cleaned_data["opposite"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(f"{back}#trait-{trait.pk}")


@require_POST
def merge_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    if not svc.may_run_workshops(request.user):
        raise PermissionDenied
    workshop, back = _workshop_post(request, workshop_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the item to merge and where to."))
        return redirect(back)
    item = get_object_or_404(WorkshopTrait, pk=form.cleaned_data["item"], workshop=workshop)
    if form.cleaned_data["into"] == 0:
        try:
            svc.unmerge(actor=request.user, item=item)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect(back)
    into = get_object_or_404(WorkshopTrait, pk=form.cleaned_data["into"], workshop=workshop)
    try:
        svc.merge(actor=request.user, item=item, into=into)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back)


@require_POST
def choose_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    if not svc.may_run_workshops(request.user):
        raise PermissionDenied
    workshop, back = _workshop_post(request, workshop_id)
    weights: dict[int, Decimal] = {}
    try:
        for raw in request.POST.getlist("chosen"):
            item_id = int(raw)
            text = (request.POST.get(f"weight-{item_id}") or "1").replace(",", ".").strip()
            weights[item_id] = Decimal(text or "1")
    except (ValueError, InvalidOperation):
        messages.error(request, _("A weight is a number, for example 1 or 1,5."))
        return redirect(back)
    if any(not w.is_finite() or w > 1000 for w in weights.values()):
        messages.error(request, _("A weight is a number from 0 to 1000."))
        return redirect(back)
    try:
        svc.choose(actor=request.user, workshop=workshop, weights=weights)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Choice saved."))
    return redirect(back)


@require_POST
def advance_view(request: AuthenticatedRequest, workshop_id: int) -> HttpResponse:
    if not svc.may_run_workshops(request.user):
        raise PermissionDenied
    workshop, back = _workshop_post(request, workshop_id)
    try:
        if request.POST.get("direction") == "back":
            svc.workshop_back(actor=request.user, workshop=workshop)  # type: ignore[arg-type]
        else:
            done = svc.workshop_advance(actor=request.user, workshop=workshop)  # type: ignore[arg-type]
            if done.step == WorkshopStep.DONE:
                messages.success(request, _("The ideal profile is saved as a new version."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def client_fit_view(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    data = sel.client_fit(viewer=request.user, client=client)
    initial = {f"t{t.pk}": data.scores.get(str(t.pk)) for t in data.traits}
    form = ScoresForm(request.POST or None, traits=data.traits, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            changed = svc.scores_set(actor=request.user, client=client, scores=form.scores())
            messages.success(request, _("Scores saved (%(n)s changed).") % {"n": changed})
            return redirect("profiles:client", client.pk)
        return render(
            request,
            "profiles/client.html",
            {"data": data, "form": form, "client": client},
            status=400,
        )
    return render(request, "profiles/client.html", {"data": data, "form": form, "client": client})


@require_http_methods(["GET", "POST"])
def action_view(request: AuthenticatedRequest, client_id: int, action_id: int) -> HttpResponse:
    client = client_get(request.user, client_id)
    item = sel.action_get(request.user, client, action_id)
    owners = sel.action_owners(request.user, item)
    initial = {"text": item.text, "owner": item.owner_id, "due": item.due, "done": item.done}
    form = ActionForm(request.POST or None, owners=owners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.action_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Action item saved."))
            return redirect("profiles:client", client.pk)
    return render(
        request,
        "profiles/action.html",
        {"client": client, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


def check_view(request: AuthenticatedRequest) -> HttpResponse:
    outcomes = sel.profile_check(viewer=request.user)
    return render(request, "profiles/check.html", {"outcomes": outcomes})


def _time_view(request: AuthenticatedRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days") or 90)
    except ValueError:
        days = 90
    if not 7 <= days <= 730:
        raise Http404
    report = sel.seller_time(viewer=request.user, days=days)
    return render(request, "profiles/time.html", {"report": report, "figure": time_figure(report)})


# plotly.js sets style attributes on the SVG it draws; scripts stay strictly 'self'.
time_view = csp_update({"style-src": ["'unsafe-inline'"]})(_time_view)  # type: ignore[arg-type]


def quadrant_view(request: AuthenticatedRequest) -> HttpResponse:
    report = sel.quadrant_report(viewer=request.user)
    return render(request, "profiles/quadrant.html", {"report": report})


@require_http_methods(["GET", "POST"])
def assessment_view(request: AuthenticatedRequest, deal_id: int) -> HttpResponse:
    deal = sel.deal_get(request.user, deal_id)
    current = getattr(deal, "assessment", None)
    initial: dict[str, object] = {}
    if current is not None:
        word = {True: "yes", False: "no", None: ""}
        initial = {
            "we_win": word[current.we_win],
            "our_gain": current.our_gain,
            "client_wins": word[current.client_wins],
            "client_goal": current.client_goal,
            "refused": current.refused,
        }
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.assessment_save(actor=request.user, deal=deal, **form.values())  # type: ignore[arg-type]
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The deal is placed in the quadrant."))
            return redirect("profiles:quadrant")
    return render(
        request,
        "profiles/assessment.html",
        {"deal": deal, "form": form},
        status=400 if form.errors else 200,
    )
