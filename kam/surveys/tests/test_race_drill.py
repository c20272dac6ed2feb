"""The double-submit race drill: many people submit the same personal link at once.

Deterministic worst case, no sleeping: every submitter is held at a barrier right after it has
read the link as unused and before it writes, so all of them pass the check before any of them
writes; only the database can then keep the link single-use. (On SQLite an eNPS answer reads
inside its write transaction, which SQLite runs one at a time, so there the submitters are
released together at the start instead.) Figures go to the run's drill summary.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from kam.surveys import services
from kam.surveys.models import Answer, Campaign, EmployeeAnswer, EmployeeInvitation
from kam.testing import Org

SUBMITTERS = 50 if connection.vendor == "postgresql" else 20
# The default SQLite test database lives in memory with a shared cache, where concurrent
# writers get "table is locked" at once instead of waiting as they do on a database file:
# there the drill re-runs itself in a child pytest on a file (test_drill_on_a_sqlite_file).
IN_MEMORY = connection.vendor == "sqlite" and "KAM_TEST_SQLITE_FILE" not in os.environ


def _gate(monkeypatch: pytest.MonkeyPatch, name: str, barrier: threading.Barrier) -> None:
    """Hold every caller of services.<name> at the barrier once the link has been read."""
    original: Callable[..., Any] = getattr(services, name)

    def held(**kwargs: Any) -> Any:
        found = original(**kwargs)
        barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(services, name, held)


def _race(url: str, data: dict[str, str], barrier: threading.Barrier | None) -> Counter[int]:
    statuses: list[int] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=30)
            status = HttpClient(raise_request_exception=False).post(url, data).status_code
        finally:
            connection.close()
        with lock:
            statuses.append(status)

    # The 410s are expected; Django's request log would write one warning per thread.
    requests_log = logging.getLogger("django.request")
    level = requests_log.level
    requests_log.setLevel(logging.ERROR)
    threads = [threading.Thread(target=submit) for _ in range(SUBMITTERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        requests_log.setLevel(level)
    return Counter(statuses)


def _figures(kind: str, statuses: Counter[int], stored: int) -> str:
    return (
        f"DRILL survey-race kind={kind} db={connection.vendor} submitters={SUBMITTERS} "
        f"stored={stored} accepted={statuses[200]} refused={statuses[410]} "
        f"server_errors={sum(n for s, n in statuses.items() if s >= 500)}"
    )


@pytest.mark.django_db(transaction=True)
def _client_link_race(
    org: Org, monkeypatch: pytest.MonkeyPatch, drill_figures: Callable[[str], None]
) -> None:
    campaign = Campaign.objects.get(respondents__client=org.client_a1)
    link = lambda c, t: f"http://testserver/s/{c.pk}/{t}/"  # noqa: E731
    token = services.issue_links(actor=org.manager_a1, campaign=campaign, link_url=link)[0].token
    barrier = threading.Barrier(SUBMITTERS)
    _gate(monkeypatch, "respondent_for_token", barrier)
    url = reverse("surveys:link", args=[campaign.pk, token])
    statuses = _race(url, {"score": "3", "comment": "гонка"}, None)
    stored = Answer.objects.filter(campaign=campaign).count()
    drill_figures(_figures("nps", statuses, stored))
    assert stored == 1
    assert statuses == Counter({200: 1, 410: SUBMITTERS - 1})
    # The one answer had its follow-up once: a critic opens one case.
    assert org.client_a1.complaint_cases.filter(answer__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def _enps_link_race(
    org: Org, monkeypatch: pytest.MonkeyPatch, drill_figures: Callable[[str], None]
) -> None:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="eNPS гонка",
        kind="employee",
        start=today,
        end=today + timedelta(days=3),
        by_link=True,
        created_by=org.director,
    )
    run = services.invite_employees(
        actor=org.director, campaign=campaign, link_url=lambda c, t: f"/e/{c.pk}/{t}/"
    )
    token = run.printed[0].rstrip("/").rsplit("/", 1)[1]
    barrier = threading.Barrier(SUBMITTERS)
    inside_transaction_one_at_a_time = connection.vendor == "sqlite"
    if not inside_transaction_one_at_a_time:
        _gate(monkeypatch, "employee_invitation", barrier)
    url = reverse("surveys:enps-link", args=[campaign.pk, token])
    statuses = _race(url, {"score": "6"}, barrier if inside_transaction_one_at_a_time else None)
    stored = EmployeeAnswer.objects.filter(campaign=campaign).count()
    drill_figures(_figures("enps", statuses, stored))
    assert stored == 1
    assert statuses == Counter({200: 1, 410: SUBMITTERS - 1})
    assert EmployeeInvitation.objects.filter(campaign=campaign, used=True).count() == 1


def _drill_on_a_sqlite_file(tmp_path: Any, drill_figures: Callable[[str], None]) -> None:
    env = {**os.environ, "KAM_TEST_SQLITE_FILE": str(tmp_path / "drill.sqlite3")}
    child = subprocess.run(  # noqa: S603 - this very test file, with the same interpreter
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            __file__,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The child reports its figures in its run summary (the drill_figures section).
    drills = [line for line in child.stdout.splitlines() if line.startswith("DRILL survey-race")]
    for line in drills:
        drill_figures(line)
    assert child.returncode == 0, child.stdout[-6000:] + child.stderr[-3000:]
    assert len(drills) == 2


# The races need a real database (PostgreSQL, or SQLite in a file: the in-memory test database
# reports "table is locked" instead of waiting). On in-memory SQLite the drill re-runs this
# module on a file instead. Chosen at collection, not skipped: under CI a skip fails the run.
if IN_MEMORY:
    test_drill_on_a_sqlite_file = _drill_on_a_sqlite_file
else:
    test_client_link_race_stores_exactly_one_answer = _client_link_race
    test_enps_link_race_stores_exactly_one_answer = _enps_link_race
