"""The JSON shape of an analysis (API), built from the selectors' results."""

from __future__ import annotations

from typing import Any

from kam.reviews.domain import SideSynthesis
from kam.reviews.models import Analysis, Entry, ReviewTask


def analysis_summary(a: Analysis) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "as_of": a.as_of.isoformat(),
        "author": {"id": a.author_id, "name": a.author.display_name},
        "satisfied": getattr(a, "satisfied", None),
        "dissatisfied": getattr(a, "dissatisfied", None),
    }


def _side(side: SideSynthesis) -> dict[str, Any]:
    return {
        "clients": side.clients,
        "answered": side.answered,
        "rows": [
            {
                "tag": r.tag,
                "count": r.count,
                "share": round(r.share, 2),
                "cumulative": round(r.cumulative, 2),
                "first": r.vital,
            }
            for r in side.rows
        ],
    }


def analysis_as_dict(
    a: Analysis,
    entries: list[Entry],
    synthesis: dict[str, SideSynthesis],
    tasks: list[ReviewTask],
    hidden: int,
) -> dict[str, Any]:
    data = analysis_summary(a)
    data["satisfied"] = synthesis["satisfied"].clients
    data["dissatisfied"] = synthesis["dissatisfied"].clients
    data["hidden_clients"] = hidden
    data["clients"] = [
        {
            "client": {"id": e.client_id, "name": e.client.name},
            "side": e.side,
            "evidence": e.evidence,
            "evidence_note": e.evidence_note,
            "answers": {
                ans.question: {
                    "option": ans.option,
                    "text": ans.text,
                    "tags": sorted(t.name for t in ans.tags.all()),
                }
                for ans in e.answers.all()
            },
        }
        for e in entries
    ]
    data["pareto"] = {side: _side(s) for side, s in synthesis.items()}
    data["tasks"] = [
        {
            "title": t.title,
            "cause": t.tag.name if t.tag else None,
            "owner": {"id": t.owner_id, "name": t.owner.display_name},
            "due": t.due.isoformat(),
            "done": t.done,
        }
        for t in tasks
    ]
    return data
