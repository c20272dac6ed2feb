"""The demo shows the playbook: clients tagged with several types, a complaint about a manager
owned by the supervisor, a late case escalated to the supervisor, closed cases for the Pareto."""

from __future__ import annotations

import pytest

from kam.accounts.models import User
from kam.demo import load_demo
from kam.playbooks.models import ClientTypeTag, ComplaintCase
from kam.playbooks.selectors import ReportFilters, complaints_report, escalations_for


@pytest.mark.django_db
def test_demo_playbook_has_every_promised_case() -> None:
    load_demo(clients=60, seed=5)
    types = set(ClientTypeTag.objects.values_list("type__code", flat=True))
    assert len(types) >= 8
    about = ComplaintCase.objects.get(about_manager=True, answer__isnull=True, source="call")
    assert about.owner == about.client.manager.supervisor
    late = ComplaintCase.objects.get(escalated_to__isnull=False, about_manager=False)
    supervisor = late.client.manager.supervisor
    assert supervisor is not None
    assert late.escalated_to == supervisor
    assert late in escalations_for(supervisor)
    director = User.objects.get(username="director")
    report = complaints_report(viewer=director, filters=ReportFilters())
    assert len(report.pareto) >= 4
    assert any(not r.vital for r in report.pareto)
    assert report.late_steps > 0
