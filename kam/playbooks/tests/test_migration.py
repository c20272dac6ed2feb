"""Upgrading a database filled by the previous schema (complaint cases inside surveys) keeps
every case, step and link to its answer once the cases live in playbooks."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from kam.playbooks.models import CaseStepRecord, ComplaintCase
from kam.surveys.models import Answer, Respondent
from kam.testing import Org

BEFORE: list[tuple[str, str | None]] = [("surveys", "0001_initial"), ("playbooks", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_cases_survive_the_move_to_playbooks(org: Org, client) -> None:
    old_case = ComplaintCase.objects.get(client=org.client_a1)  # made by the fixture
    respondent = Respondent.objects.filter(client=org.client_b1).get()
    answer = Answer.objects.create(
        respondent=respondent,
        campaign=respondent.campaign,
        client=org.client_b1,
        score=2,
        channel="phone",
        answered_on=date(2026, 3, 1),
    )
    try:
        executor = _migrate(BEFORE)
        assert "surveys_complaintcase" in connection.introspection.table_names()
        assert "playbooks_complaintcase" not in connection.introspection.table_names()
        # Rows written through the previous schema, as an old release would have.
        old = executor.loader.project_state(("surveys", "0001_initial")).apps
        case_model = old.get_model("surveys", "ComplaintCase")
        step_model = old.get_model("surveys", "CaseStepRecord")
        closed = case_model.objects.create(
            client_id=org.client_b1.pk,
            owner_id=org.manager_b1.pk,
            answer_id=answer.pk,
            summary="Сорвали поставку",
            root_cause="склад",
            change_made="сверка остатков",
        )
        for step in ("listen", "understand"):
            step_model.objects.create(
                case=closed, step=step, note=step, done_by_id=org.manager_b1.pk
            )
        before = sorted(case_model.objects.values_list("id", "client_id", "summary"))
        steps_before = sorted(step_model.objects.values_list("id", "case_id", "step", "note"))
        assert len(before) == 4  # three fixture clients' cases and the one above

        _migrate(_latest())

        after = sorted(ComplaintCase.objects.values_list("id", "client_id", "summary"))
        assert after == before
        assert (
            sorted(CaseStepRecord.objects.values_list("id", "case_id", "step", "note"))
            == steps_before
        )
        moved = ComplaintCase.objects.get(pk=closed.pk)
        assert moved.answer == answer
        assert (moved.root_cause, moved.change_made) == ("склад", "сверка остатков")
        assert ComplaintCase.objects.get(pk=old_case.pk).owner == org.manager_a1
        # New rows continue after the old ids (the sequence moved with the table).
        fresh = ComplaintCase.objects.create(client=org.client_a1, owner=org.manager_a1)
        assert fresh.pk > max(row[0] for row in before)
        client.force_login(org.manager_b1)
        page = client.get(reverse("playbooks:case-detail", args=[closed.pk]))
        assert page.status_code == 200
        assert "Сорвали поставку" in page.content.decode()
    finally:
        _migrate(_latest())
