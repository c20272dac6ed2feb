"""What this app adds to composed pages: the contact log and relationship panels of the client
card, the contacts and follow-up sections of Today, and its answer to portfolio's won deals
(a feedback task). Registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client
from kam.core.composition import (
    CardPanel,
    ClientColumn,
    TodaySection,
    register_card_panel,
    register_client_column,
    register_today_section,
)
from kam.core.http import positive_int
from kam.portfolio.signals import deal_won
from kam.relations.forms import BankEntryForm, InteractionForm, StageForm, TaskForm
from kam.relations.models import ChecklistTask, RelationshipStage, StageChange
from kam.relations.selectors import (
    NEVER,
    annotate_list_relations,
    bank_account,
    client_contact_status,
    current_stage,
    proposals_for,
    stage_names,
)
from kam.relations.services import feedback_task_after_deal


def _log(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    return {
        "interaction_form": forms.get("interaction_form")
        or InteractionForm(client=client, initial={"date": timezone.localdate()}),
        "contact_status": client_contact_status(viewer=request.user, client=client),
    }


def _relationship(
    request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]
) -> dict[str, Any]:
    """What the client card shows about the relationship (stage, bank, checklist, offers)."""
    stage_change = current_stage(client)
    stage = stage_change.stage if stage_change else None
    today = timezone.localdate()
    propose = positive_int(request.GET.get("propose"), 0)
    offer_id = positive_int(request.GET.get("offer_checklist"), 0)
    offer = RelationshipStage.objects.filter(pk=offer_id).first() if offer_id else None
    return {
        "stage_change": stage_change,
        "stage_history": StageChange.objects.filter(client=client).select_related("stage")[:10],
        "stage_form": forms.get("stage_form")
        or StageForm(initial={"date": today, "stage": stage.pk if stage else None}),
        "bank": bank_account(viewer=request.user, client_id=client.pk, limit=10),
        "bank_form": forms.get("bank_form") or BankEntryForm(stage=stage, initial={"date": today}),
        "proposals": proposals_for(
            viewer=request.user,
            client=client,
            interaction_id=propose,
            kept_plan=request.GET.get("kept") == "1",
        )
        if propose
        else [],
        "proposal_interaction": propose,
        "tasks": ChecklistTask.objects.filter(client=client).select_related("owner")[:50],
        "task_form": forms.get("task_form") or TaskForm(viewer=request.user),
        "offer_stage": offer if offer and offer.template_tasks else None,
        "today": today,
    }


def _feedback_after_deal(*, actor: Any, client: Client, deal_date: Any, **_: Any) -> None:
    feedback_task_after_deal(actor=actor, client=client, deal_date=deal_date)


def _annotate(qs: Any, viewer: Any) -> Any:
    if "list_stage_id" in qs.query.annotations:
        return qs
    return annotate_list_relations(qs, timezone.localdate())


def _name_stages(rows: list[Any], viewer: Any) -> None:
    names = stage_names({r.list_stage_id for r in rows if r.list_stage_id is not None})
    for row in rows:
        row.list_stage = names.get(row.list_stage_id, "")


def _days_since(row: Any) -> int | None:
    last: date = row.list_last_positive
    if last == NEVER:
        return None
    return (timezone.localdate() - last).days


def _days_cell(row: Any) -> str:
    days = _days_since(row)
    return _("never") if days is None else str(days)


def register_columns() -> None:
    register_client_column(
        ClientColumn(
            key="stage",
            order=40,
            label=gettext_lazy("Relationship stage"),
            cell=lambda row: row.list_stage or "—",
            export=lambda row: row.list_stage,
            annotate=_annotate,
            sort_field="list_stage_order",
            prepare=_name_stages,
        )
    )
    register_client_column(
        ClientColumn(
            key="positive",
            order=50,
            label=gettext_lazy("Days since a positive contact"),
            cell=_days_cell,
            export=_days_since,
            annotate=_annotate,
            # More days = an older date: the list sorts by the date the other way round.
            sort_field="-list_last_positive",
            numeric=True,
        )
    )


def register() -> None:
    register_columns()
    # A won deal entered in portfolio proposes a feedback (NPS) call here.
    deal_won.connect(_feedback_after_deal, dispatch_uid="relations.feedback_after_deal")
    register_card_panel(CardPanel("log", 30, "relations/_card_section.html", _log))
    register_card_panel(
        CardPanel("relationship", 40, "relations/_relationship_section.html", _relationship)
    )
    # Sections use the base context of Today (`page`, the relations TodayPage).
    register_today_section(TodaySection("contacts", 100, "relations/_today_contacts.html"))
    register_today_section(TodaySection("follow-up", 300, "relations/_today_followup.html"))
