"""Reads of the contrast analysis, always scoped to a viewer.

An analysis is seen by its author, the author's direct supervisor and people who see every
client (the org-chart rule of `people_owned`); inside it a viewer sees only the picked clients
`visible_clients` lets them see, and the synthesis counts only those. Nothing here reads a
dossier. Candidates come from the health app's selectors (the same rules as `kam report
contrast`), as of the analysis date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.access import AnyUser, people_owned, visible_clients, visible_managers
from kam.accounts.models import User
from kam.clients.models import Client
from kam.deals.selectors import visible_deals
from kam.health import domain as health_domain
from kam.health.models import health_settings
from kam.health.selectors import client_facts, contrast_candidates, stored_candidates
from kam.reviews import domain
from kam.reviews.choices import QUESTIONS, Question, Side
from kam.reviews.models import Analysis, Answer, CauseTag, Entry, ReviewTask

CANDIDATES_SHOWN = 30  # per side on the analysis page


def may_run_analyses(user: AnyUser) -> bool:
    """Heads of sales (supervisors), directors and admins run contrast analyses."""
    return bool(
        isinstance(user, User)
        and user.is_active
        and (user.is_supervisor or user.is_director or user.is_admin or user.is_superuser)
    )


def analyses_visible(viewer: AnyUser) -> QuerySet[Analysis]:
    return people_owned(viewer, Analysis.objects.select_related("author"), field="author")


def analysis_get(viewer: AnyUser, analysis_id: int) -> Analysis:
    """One analysis the viewer may see, or Http404."""
    return get_object_or_404(analyses_visible(viewer), pk=analysis_id)


def analysis_list(viewer: AnyUser) -> list[Analysis]:
    return list(
        analyses_visible(viewer).annotate(
            satisfied=Count("entries", filter=Q(entries__side=Side.SATISFIED)),
            dissatisfied=Count("entries", filter=Q(entries__side=Side.DISSATISFIED)),
        )
    )


def visible_entries(viewer: AnyUser, analysis: Analysis) -> QuerySet[Entry]:
    return Entry.objects.filter(analysis=analysis, client__in=visible_clients(viewer))


def entries(viewer: AnyUser, analysis: Analysis) -> list[Entry]:
    """The picked clients the viewer sees, with their answers and tags."""
    return list(
        visible_entries(viewer, analysis)
        .select_related("client", "client__manager")
        .prefetch_related("answers__tags")
        .order_by("side", "client__name", "id")
    )


def hidden_count(viewer: AnyUser, analysis: Analysis) -> int:
    """Picked clients the viewer may not see (left out of everything they are shown)."""
    return analysis.entries.count() - visible_entries(viewer, analysis).count()


def entry_get(viewer: AnyUser, analysis: Analysis, entry_id: int) -> Entry:
    return get_object_or_404(
        visible_entries(viewer, analysis).select_related("client", "client__manager"),
        pk=entry_id,
    )


def picked_sides(analysis: Analysis) -> dict[int, str]:
    """Client id → side of every pick (all of them: the rules hold whoever looks)."""
    return dict(analysis.entries.values_list("client_id", "side"))


def candidates(
    viewer: AnyUser, analysis: Analysis, *, today: date | None = None
) -> tuple[dict[str, list[dict[str, Any]]], datetime | None]:
    """Proposed clients of each side as of the analysis date, strongest evidence first,
    without the clients already picked; and, for an analysis dated today, the time of the
    stored scores they were read from (None: computed now for a past date)."""
    picked = picked_sides(analysis)
    if analysis.as_of == (today or timezone.localdate()):
        return stored_candidates(
            viewer=viewer, as_of=analysis.as_of, exclude=picked, limit=CANDIDATES_SHOWN
        )
    found = contrast_candidates(viewer=viewer, as_of=analysis.as_of)
    return {
        side: [c for c in found[side] if c["client"]["id"] not in picked][:CANDIDATES_SHOWN]
        for side in domain.SIDES
    }, None


def client_candidate(client: Client, as_of: date) -> tuple[str, dict[str, object]] | None:
    """(side, evidence) when the health rules propose this client as of the date."""
    cfg = health_settings()
    facts = client_facts(as_of=as_of, client_ids=[client.pk]).get(client.pk)
    if facts is None:
        return None
    new_since = as_of - timedelta(days=round(cfg.new_client_months * 365 / 12))
    found = health_domain.candidate(facts, as_of, cfg.thresholds(), new_since=new_since)
    return None if found is None else (found.side.value, found.evidence)


def client_search(viewer: AnyUser, analysis: Analysis, query: str) -> list[Client]:
    """Visible clients by name, for picking a client KAM did not propose."""
    query = query.replace("\x00", "").strip()[:100]
    if not query:
        return []
    return list(
        visible_clients(viewer)
        .filter(name__icontains=query)
        .exclude(pk__in=analysis.entries.values("client_id"))
        .order_by("name")[:20]
    )


def prefill(viewer: AnyUser, entry: Entry) -> dict[str, str]:
    """Options KAM can fill in before anyone answers: how we sold (the source of the client's
    deals, won deals first, oldest first) and the client type (its segment)."""
    sources = (
        visible_deals(viewer)
        .filter(client_id=entry.client_id)
        .exclude(source="")
        .annotate(lost=~Q(status="won"))
        .order_by("lost", "created", "id")
        .values_list("source", flat=True)[:20]
    )
    out: dict[str, str] = {}
    sold = domain.how_sold(sources)
    if sold:
        out[Question.HOW_SOLD] = sold
    if entry.client.segment:
        out[Question.CLIENT_TYPE] = entry.client.segment
    return out


def tag_list() -> QuerySet[CauseTag]:
    """The whole cause-tag vocabulary (the admin's page)."""
    return CauseTag.objects.all()


def tag_find(tag_id: int) -> CauseTag | None:
    return CauseTag.objects.filter(pk=tag_id).first()


def tags_for(side: str) -> QuerySet[CauseTag]:
    """Active tags usable on a side."""
    return CauseTag.objects.filter(is_active=True).filter(Q(side=side) | Q(side="both"))


@dataclass(frozen=True, slots=True)
class Synthesis:
    satisfied: domain.SideSynthesis
    dissatisfied: domain.SideSynthesis
    tag_ids: dict[str, int]  # tag name → id (for making a fix into a task)

    def side(self, side: str) -> domain.SideSynthesis:
        return self.satisfied if side == Side.SATISFIED else self.dissatisfied


def synthesis(viewer: AnyUser, analysis: Analysis) -> Synthesis:
    """Pareto of cause tags on each side over the clients the viewer sees: each tag counts the
    clients whose answers carry it (SQL GROUP BY; the domain does the arithmetic)."""
    seen = visible_entries(viewer, analysis)
    clients = dict(seen.values("side").annotate(n=Count("id")).values_list("side", "n"))
    answered = dict(
        seen.filter(answers__tags__isnull=False)
        .values("side")
        .annotate(n=Count("id", distinct=True))
        .values_list("side", "n")
    )
    rows = (
        Answer.tags.through.objects.filter(answer__entry__in=seen)
        .values_list("answer__entry__side", "causetag_id")
        .annotate(n=Count("answer__entry", distinct=True))
    )
    tags = {t.pk: t for t in CauseTag.objects.filter(pk__in={r[1] for r in rows})}
    counts: dict[str, dict[str, int]] = {s: {} for s in domain.SIDES}
    tag_ids: dict[str, int] = {}
    for side, tag_id, n in rows:
        name = tags[tag_id].name
        tag_ids.setdefault(name, tag_id)
        counts[side][name] = counts[side].get(name, 0) + n
    built = {
        s: domain.side_synthesis(
            s, counts[s], clients=clients.get(s, 0), answered=answered.get(s, 0)
        )
        for s in domain.SIDES
    }
    return Synthesis(built["satisfied"], built["dissatisfied"], tag_ids)


def tasks_of(analysis: Analysis) -> list[ReviewTask]:
    return list(analysis.tasks.select_related("owner", "tag"))


def task_owners(viewer: AnyUser) -> QuerySet[User]:
    """People the viewer may give a task to: the people whose clients they see."""
    return visible_managers(viewer).order_by("last_name", "first_name", "username")


def tasks_due(viewer: AnyUser, *, limit: int = 20) -> list[ReviewTask]:
    """The viewer's open analysis tasks, the earliest due first (for Today)."""
    if not isinstance(viewer, User):
        return []
    return list(
        ReviewTask.objects.filter(owner=viewer, done=False)
        .select_related("analysis")
        .order_by("due", "id")[:limit]
    )


def task_get(viewer: AnyUser, task_id: int) -> ReviewTask:
    """A task its owner may tick, or one of an analysis the viewer sees; else Http404."""
    if not isinstance(viewer, User):
        return get_object_or_404(ReviewTask.objects.none(), pk=task_id)
    return get_object_or_404(
        ReviewTask.objects.filter(Q(owner=viewer) | Q(analysis__in=analyses_visible(viewer))),
        pk=task_id,
    )


def answers_by_question(entry: Entry) -> dict[str, Answer]:
    return {a.question: a for a in entry.answers.all()}


def questions_of(side: str) -> tuple[Question, ...]:
    return QUESTIONS[side]
