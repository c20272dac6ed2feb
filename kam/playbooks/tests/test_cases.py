"""Complaint cases: steps in order, the diagnosis closes the case, access by client visibility,
and the open ones on Today (moved from the surveys tests with the app)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.models import User
from kam.playbooks.models import CaseStepRecord, RootCause
from kam.playbooks.services import case_step
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _http(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def test_case_steps_in_order_and_diagnosis_closes(org: Org) -> None:
    case = org.client_a1.complaint_cases.get()
    with pytest.raises(ValidationError):
        case_step(actor=org.manager_a1, case=case, step="solution")
    for step in ("listen", "understand", "solution", "thank", "act"):
        case_step(actor=org.manager_a1, case=case, step=step, note=step)
    with pytest.raises(ValidationError) as caught:
        case_step(actor=org.manager_a1, case=case, step="diagnose", root_cause="x")
    assert "change_made" in caught.value.message_dict
    assert "cause" in caught.value.message_dict
    cause = RootCause.objects.order_by("order").first()
    case_step(
        actor=org.manager_a1,
        case=case,
        step="diagnose",
        cause=cause,
        root_cause="склад",
        change_made="сверка",
    )
    case.refresh_from_db()
    assert case.closed_at is not None
    assert CaseStepRecord.objects.filter(case=case).count() == 6
    page = _http(org.supervisor_a).get(reverse("playbooks:case-detail", args=[case.pk]))
    assert "сверка" in page.content.decode()
    assert (
        _http(org.manager_b1).get(reverse("playbooks:case-detail", args=[case.pk])).status_code
        == 404
    )


def test_open_cases_on_today(org: Org) -> None:
    mine = _http(org.manager_a1).get(reverse("today")).content.decode()
    section = mine.split('id="cases"')[1].split("</section>")[0]
    assert org.client_a1.name in section
    assert org.client_a2.name not in section
    team = _http(org.supervisor_a).get(reverse("today"), {"view": "team"}).content.decode()
    team_section = team.split('id="cases"')[1].split("</section>")[0]
    assert org.client_a2.name in team_section
