"""What this app adds to composed pages: the difficult-types panel of the client card, the
cards of today's difficult clients and the open and escalated complaint cases on Today, the
type cards next to the contact-log form, the NPS phone script and the dossier, the
`difficult_types` of the client API, and its answers to relations' and portfolio's events.
Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest

from kam.clients.api import register_detail_field
from kam.clients.models import Client
from kam.core.asides import ClientAside, register_client_aside
from kam.core.composition import (
    CardPanel,
    TodaySection,
    register_card_panel,
    register_today_section,
)
from kam.playbooks.forms import CaseOpenForm, TagForm
from kam.playbooks.selectors import (
    cards_by_client,
    client_cards,
    client_cases,
    escalations_for,
    live_tags,
    open_cases_for,
    tag_history,
)
from kam.playbooks.services import disloyal_cadence, on_interaction_logged, on_plan_item_added
from kam.portfolio.signals import plan_item_added
from kam.relations.signals import interaction_logged, register_cadence_adjuster


def _card(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    cards = client_cards(viewer=request.user, client=client)
    return {
        "type_cards": cards,
        "tag_form": forms.get("tag_form") or TagForm(prefix="tag"),
        "tag_history": tag_history(viewer=request.user, client=client)[:30],
        "client_cases": client_cases(viewer=request.user, client=client)[:20],
        "case_form": forms.get("case_form") or CaseOpenForm(prefix="case"),
    }


def _today_clients(base: Mapping[str, Any]) -> dict[int, Client]:
    """Every client that has a row on today's page (due, paused, planned, reviews, dates,
    plan items, tasks)."""
    page = base["page"]
    found: dict[int, Client] = {}
    for row in [*page.due, *page.paused, *page.reviews, *page.dates]:
        found[row.client.pk] = row.client
    for item in [*page.planned, *page.tasks]:
        found[item.client.pk] = item.client
    for action in page.actions:
        found[action.goal.plan.client.pk] = action.goal.plan.client
    for goal in page.goals:
        found[goal.plan.client.pk] = goal.plan.client
    return found


def _difficult_today(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    clients = _today_clients(base)
    types = cards_by_client(clients)
    rows = sorted(((clients[pk], kinds) for pk, kinds in types.items()), key=lambda r: r[0].name)
    return {"difficult_rows": rows}


def _cases(request: HttpRequest, base: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "cases": open_cases_for(request.user, team=base["team"]),
        "escalated": escalations_for(request.user),
    }


def _aside(viewer: Any, client: Any, place: str) -> dict[str, Any] | None:
    cards = client_cards(viewer=viewer, client=client)
    return {"type_cards": cards} if cards else None


def _difficult_types(viewer: Any, client: Client) -> list[dict[str, str]]:
    return [{"code": t.type.code, "name": t.type.name} for t in live_tags([client.pk])]


def register() -> None:
    register_card_panel(CardPanel("playbook", 15, "playbooks/_card_panel.html", _card))
    register_today_section(
        TodaySection("difficult", 105, "playbooks/_today_difficult.html", _difficult_today)
    )
    register_today_section(TodaySection("cases", 200, "playbooks/_today_cases.html", _cases))
    register_client_aside(ClientAside("playbook", 10, "playbooks/_aside.html", _aside))
    register_detail_field("difficult_types", _difficult_types)
    register_cadence_adjuster("playbooks.disloyal", disloyal_cadence)
    interaction_logged.connect(_interaction_logged, dispatch_uid="playbooks.on_interaction_logged")
    plan_item_added.connect(_plan_item_added, dispatch_uid="playbooks.on_plan_item_added")


def _interaction_logged(**kwargs: Any) -> None:
    on_interaction_logged(**kwargs)


def _plan_item_added(**kwargs: Any) -> None:
    on_plan_item_added(**kwargs)
