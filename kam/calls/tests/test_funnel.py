"""The consultation → meeting conversion per manager comes from the deals funnel."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from kam.calls.models import Call
from kam.calls.selectors import calls_report
from kam.deals import domain as dd
from kam.deals.models import Deal
from kam.testing import Org

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 30)


def _deal(org: Org, created: date, step: str) -> None:
    status = dd.status_of(dd.Step(step))
    Deal.objects.create(
        client=org.client_a1,
        manager=org.manager_a1,
        created=created,
        closed=created + timedelta(days=20) if status != "open" else None,
        status=status,
        stage=step,
        step=step,
        reached=dd.step_rank(step),
    )


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_report_carries_the_funnel_conversion(org: Org) -> None:
    for i in range(4):
        _deal(org, DAY - timedelta(days=i + 1), "consultation")
    _deal(org, DAY - timedelta(days=9), "meeting")
    Call.objects.create(external_id="f-1", day=DAY - timedelta(days=2), manager=org.manager_a1)
    Call.objects.create(external_id="f-2", day=DAY - timedelta(days=2), manager=org.manager_a2)
    data = calls_report(viewer=org.supervisor_a, start=DAY - timedelta(days=30), end=DAY)
    by_name = {m["manager"]: m["consultation_meeting"] for m in data["managers"]}
    a1 = by_name[org.manager_a1.display_name]
    assert a1["value"] == pytest.approx(0.2)
    assert a1["n"] == 5
    low, high = _wilson(1, 5)
    assert a1["low"] == pytest.approx(low, abs=1e-4)
    assert a1["high"] == pytest.approx(high, abs=1e-4)
    assert by_name[org.manager_a2.display_name] is None  # no consultations: no figure
