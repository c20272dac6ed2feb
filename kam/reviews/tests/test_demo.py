"""The demo company holds a finished contrast analysis: picks on both sides from KAM's own
candidates, every questionnaire answered and tagged, a Pareto head on each side, tasks."""

from __future__ import annotations

import pytest

from kam.accounts.models import User
from kam.demo import load_demo
from kam.reviews import selectors as sel
from kam.reviews.choices import QUESTIONS
from kam.reviews.models import Analysis, Answer

pytestmark = pytest.mark.django_db


def test_demo_has_a_finished_analysis() -> None:
    counts = load_demo(clients=60)
    analysis = Analysis.objects.get()
    director = User.objects.get(username="director")
    entries = sel.entries(director, analysis)
    sides = {s: [e for e in entries if e.side == s] for s in ("satisfied", "dissatisfied")}
    assert counts["contrast_clients"] == len(entries)
    # The default 300-client demo fills both sides (10 + 10); this 60-client one has fewer
    # satisfied clients to offer: the one new promoter and a few promoters typed in.
    assert 2 <= len(sides["satisfied"]) <= 10
    assert len(sides["dissatisfied"]) == 10
    # Each is backed by KAM's figures, or (satisfied promoters who are not new clients) by
    # evidence written from their NPS answer and purchases.
    assert all(e.evidence or e.evidence_note.startswith("NPS ") for e in entries)
    assert any(e.evidence for e in sides["satisfied"])
    for e in entries:
        assert {a.question for a in e.answers.all()} == set(QUESTIONS[e.side])
    assert Answer.objects.filter(entry__analysis=analysis, tags__isnull=False).exists()
    result = sel.synthesis(director, analysis)
    for side in (result.satisfied, result.dissatisfied):
        assert side.rows
        assert side.focus
    assert analysis.tasks.count() == 2
    # Supervisors see the tasks they own on Today.
    owner = analysis.tasks.first().owner  # type: ignore[union-attr]
    assert sel.tasks_due(owner)
