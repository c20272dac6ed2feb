"""Fixtures shared by every test: fast password hashing and the persona org chart."""

from __future__ import annotations

import os
from typing import Any

import pytest

from kam.testing import Org, build_org


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Queued background work runs at once inside the test: no worker, no thread, no waiting.
    Tests of the queue itself switch back to the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def org(db: None) -> Org:
    return build_org()


@pytest.fixture(autouse=True)
def _relationship_defaults(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, data migrations included, so later tests in the
    same process would miss the default stages and typical entries: put them back (one query
    when they are there)."""
    names = request.fixturenames
    uses_db = {"db", "transactional_db", "live_server"} & set(names)
    if not uses_db and not request.node.get_closest_marker("django_db"):
        return
    if "live_server" in names:
        request.getfixturevalue("transactional_db")
    else:
        marker = request.node.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        request.getfixturevalue("transactional_db" if transactional else "db")
    from django.core.cache import caches

    caches["shared"].clear()  # a database table that transactional flushes do not empty
    from kam.relations.defaults import install
    from kam.relations.models import BankCatalogueEntry, RelationshipStage

    if not RelationshipStage.objects.exists():
        install(RelationshipStage, BankCatalogueEntry)
    from kam.deals.defaults import install as install_deals
    from kam.deals.models import IndustryReference, StageMapping

    if not StageMapping.objects.exists():
        install_deals(StageMapping, IndustryReference)
    from kam.playbooks.defaults import install as install_playbook
    from kam.playbooks.models import ChecklistItem, DifficultType, RootCause

    if not DifficultType.objects.exists():
        install_playbook(DifficultType, ChecklistItem, RootCause)
    from kam.reviews.defaults import install as install_tags
    from kam.reviews.models import CauseTag

    install_tags(CauseTag)  # one query when the vocabulary is there


@pytest.fixture
def drill_figures(record_property: Any) -> Any:
    """`drill_figures("DRILL name key=value ...")`: a line printed in the run's summary (also
    under -q and pytest-xdist), so the drills' figures show in the test output."""

    def note(line: str) -> None:
        record_property("drill", line)

    return note


@pytest.fixture
def drill_tally(record_property: Any) -> Any:
    """`drill_tally("name", requests=3, server_errors=0)`: counts summed over every test of the
    run (also across pytest-xdist workers) and printed as one DRILL line in its summary."""

    def add(name: str, **counts: int) -> None:
        record_property("drill_tally", (name, counts))

    return add


def _drill_summary(terminalreporter: Any) -> None:
    properties = [
        (key, value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "") == "call"
        for key, value in getattr(report, "user_properties", [])
    ]
    lines = [value for key, value in properties if key == "drill"]
    tallies: dict[str, dict[str, int]] = {}
    for key, value in properties:
        if key == "drill_tally":
            name, counts = value
            for count, n in counts.items():
                tallies.setdefault(name, {}).setdefault(count, 0)
                tallies[name][count] += n
    for name, counts in sorted(tallies.items()):
        lines.append(" ".join([f"DRILL {name}", *(f"{k}={n}" for k, n in counts.items())]))
    if lines:
        terminalreporter.section("drill figures")
        for line in lines:
            terminalreporter.write_line(line)


# --- under CI a skipped test fails the run ----------------------------------------------------
# A test that is skipped on every run checks nothing (a missing optional package once kept the
# t-quantile reference check from ever running). Locally a skip is only reported.

_SKIPPED: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller decides
        return
    if _SKIPPED and _in_ci() and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    _drill_summary(terminalreporter)
    if _SKIPPED and _in_ci():
        terminalreporter.write_line(
            f"CI: {len(_SKIPPED)} skipped test(s) fail the run; make them run or remove them: "
            + ", ".join(_SKIPPED[:10]),
            red=True,
        )
