"""The demo company shows each health story: a churning key client, a fallen share, a negative
run and a new promoter among the satisfied candidates."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kam.demo import load_demo
from kam.health.selectors import contrast_candidates, health_list
from kam.reports import company_viewer

pytestmark = pytest.mark.django_db


def test_demo_health_stories() -> None:
    load_demo(clients=60)
    today = timezone.localdate()
    rows = health_list(viewer=company_viewer(), as_of=today, compare=False)
    alerts = {a.value for r in rows for a in r.alerts}
    assert {"stopped_buying", "share_drop", "negative_contacts"} <= alerts
    churned = [r for r in rows if r.is_key and any(a.value == "stopped_buying" for a in r.alerts)]
    assert churned
    data = contrast_candidates(viewer=company_viewer(), as_of=today)
    promoter = next(c for c in data["satisfied"] if c["evidence"]["promoter_answers"])
    assert promoter["evidence"]["promoter_answers"] == 1
    assert promoter["evidence"]["repeat_purchases"] == 3
    assert data["dissatisfied"]
