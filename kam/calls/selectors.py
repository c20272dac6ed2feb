"""Reads of calls, always scoped to a viewer by the org chart (kam.accounts.access)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kam.accounts.access import AnyUser, people_owned, visible_managers
from kam.accounts.models import User
from kam.calls import domain as d
from kam.calls.defaults import install
from kam.calls.funnel import Conversion, consultation_meeting
from kam.calls.models import Call, CallSettings, ChecklistItem, Industry, QuestionLexicon

CATEGORIES = [c.value for c in d.Category]
_SUMS = {c: Sum(f"questions_{c}") for c in CATEGORIES}


@dataclass(frozen=True)
class Method:
    """The method in use: its industry, lexicon, checklist and reference lines."""

    settings: CallSettings
    lexicon: d.Lexicon
    checklist: tuple[d.ChecklistItem, ...]


def call_settings() -> CallSettings:
    """The settings row (presets installed first when a database has none, e.g. after a
    transactional test flush)."""
    found = CallSettings.objects.select_related("industry").first()
    if found is None:
        install(Industry, QuestionLexicon, ChecklistItem, CallSettings)
        found = CallSettings.objects.select_related("industry").get()
    return found


def method_for(industry: Industry) -> tuple[d.Lexicon, tuple[d.ChecklistItem, ...]]:
    words = {lx.category: lx.entries() for lx in industry.lexicons.all()}
    items = tuple(
        d.ChecklistItem(
            check=d.Check(i.check_kind),
            weight=float(i.weight),
            threshold=float(i.threshold),
            title=i.title,
        )
        for i in industry.checklist.all()
    )
    return d.Lexicon.build(words), items


def current_method() -> Method:
    settings = call_settings()
    lexicon, items = method_for(settings.industry)
    return Method(settings, lexicon, items)


def utterances_of(call: Call) -> list[d.Utterance]:
    """The stored transcript as utterances."""
    return [
        d.Utterance(d.Speaker(row[0]), row[1], row[2], row[3])
        for row in call.transcript
        if isinstance(row, list) and len(row) == 4
    ]


def industries() -> QuerySet[Industry]:
    return Industry.objects.all()


def industry_get(pk: int) -> Industry:
    """An industry preset or Http404 (ids beyond a database integer are simply missing)."""
    return get_object_or_404(Industry, pk=pk if 0 < pk < 2**31 else 0)


def checklist_items(industry: Industry) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(industry=industry)


def call_list(
    *,
    viewer: AnyUser,
    start: date | None = None,
    end: date | None = None,
    manager_id: int | None = None,
) -> QuerySet[Call]:
    """Calls the viewer may see: own; a supervisor's team's; everyone's for a director."""
    qs = people_owned(viewer, Call.objects.select_related("manager", "client"))
    if manager_id is not None:
        qs = qs.filter(manager_id=manager_id)
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return qs


def call_get(*, viewer: AnyUser, call_id: int) -> Call:
    """One visible call or Http404 (not yours answers like missing)."""
    return get_object_or_404(call_list(viewer=viewer), pk=call_id)


def manager_get(*, viewer: AnyUser, user_id: int) -> User:
    """A person whose calls the viewer may see, or Http404."""
    return get_object_or_404(visible_managers(viewer), pk=user_id)


def default_window(today: date | None = None) -> tuple[date, date]:
    """The twelve weeks ending on `today` (the local date by default), kept on the calendar:
    an end before 1900 or after 9990 is moved there (no call is that old or that new)."""
    end = min(max(today or timezone.localdate(), date(1900, 1, 1)), date(9990, 12, 31))
    return end - timedelta(weeks=12) + timedelta(days=1), end


def _questions(row: dict[str, Any]) -> dict[str, int]:
    return {c: int(row[c] or 0) for c in CATEGORIES}


def manager_stats(
    *, viewer: AnyUser, start: date, end: date, manager_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Per manager: calls, questions per call by category, the same week by week (ISO weeks),
    and the consultation → meeting conversion from the funnel. Two GROUP BY queries."""
    qs = call_list(viewer=viewer, start=start, end=end)
    if manager_ids is not None:
        qs = qs.filter(manager_id__in=manager_ids)
    totals = list(
        qs.order_by()
        .values("manager_id", "manager__last_name", "manager__first_name", "manager__username")
        .annotate(calls=Count("id"), agreed=Count("id", filter=Q(meeting_agreed=True)), **_SUMS)
    )
    weekly = (
        qs.order_by()
        .annotate(y=ExtractIsoYear("day"), w=ExtractWeek("day"))
        .values("manager_id", "y", "w")
        .annotate(calls=Count("id"), **_SUMS)
        .order_by("manager_id", "y", "w")
    )
    weeks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for week_row in weekly:
        row: dict[str, Any] = dict(week_row)
        weeks[row["manager_id"]].append(
            {
                "week": d.iso_week(row["y"], row["w"]),
                "calls": row["calls"],
                "questions_per_call": d.per_call(_questions(row), row["calls"]),
            }
        )
    conversions = consultation_meeting(
        [r["manager_id"] for r in totals], viewer=viewer, start=start, end=end
    )
    out = []
    for total_row in totals:
        row = dict(total_row)
        name = " ".join(p for p in (row["manager__last_name"], row["manager__first_name"]) if p)
        conversion: Conversion | None = conversions.get(row["manager_id"])
        out.append(
            {
                "manager_id": row["manager_id"],
                "manager": name or row["manager__username"],
                "calls": row["calls"],
                "meetings_agreed": row["agreed"],
                "questions_per_call": d.per_call(_questions(row), row["calls"]),
                "weeks": weeks.get(row["manager_id"], []),
                "consultation_meeting": conversion.as_dict() if conversion else None,
            }
        )
    out.sort(key=lambda m: m["manager"])
    return out


def calls_report(*, viewer: AnyUser, start: date, end: date) -> dict[str, Any]:
    """The documented JSON shape of `kam report calls` and GET /api/v1/calls/."""
    rows = (
        call_list(viewer=viewer, start=start, end=end)
        .order_by("day", "started_at", "id")
        .values_list(
            "external_id",
            "day",
            "manager__last_name",
            "manager__first_name",
            "manager__username",
            "questions_technical",
            "questions_personal",
            "questions_motivation",
            "questions_other",
            "price_named",
            "meeting_agreed",
            "manager_talk_share",
            "score",
        )
    )
    calls = [
        {
            "id": r[0],
            "date": r[1].isoformat(),
            "manager": " ".join(p for p in (r[2], r[3]) if p) or r[4],
            "questions": {"technical": r[5], "personal": r[6], "motivation": r[7], "other": r[8]},
            "price_named": r[9],
            "meeting_agreed": r[10],
            "manager_talk_share": round(r[11], 3),
            "score": round(r[12], 3),
        }
        for r in rows
    ]
    managers = manager_stats(viewer=viewer, start=start, end=end)
    for m in managers:
        del m["manager_id"], m["meetings_agreed"]
    return {"calls": calls, "managers": managers}
