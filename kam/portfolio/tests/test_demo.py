"""The demo company shows what the portfolio promises (issue: a critical client, several key
clients, an overloaded manager, marked clients and plans with overdue goals)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kam.accounts.models import User
from kam.demo import load_demo
from kam.portfolio.domain import GridCell, KeyClass
from kam.portfolio.models import KeyAccountProfile, PlanGoal
from kam.portfolio.selectors import (
    default_window,
    key_client_grid,
    portfolio_report,
    portfolio_trend,
)


@pytest.mark.django_db
def test_demo_portfolio_has_every_promised_case() -> None:
    load_demo(clients=80, seed=3)
    director = User.objects.get(username="director")
    report = portfolio_report(viewer=director, window=default_window())
    assert report.counts[KeyClass.CRITICAL.value] == 1
    assert report.counts[KeyClass.KEY.value] >= 2
    assert [a.row.key_class for a in report.alerts] == [KeyClass.CRITICAL]
    manager1 = User.objects.get(username="manager1")
    assert [m.manager_id for m in report.managers if m.overloaded] == [manager1.pk]
    assert PlanGoal.objects.filter(closed=False, due__lt=timezone.localdate()).exists()
    assert KeyAccountProfile.objects.filter(strategic=True).exists()
    # The manager's own view: their key clients on the grid, shares still of the company.
    mine = portfolio_report(viewer=manager1, window=default_window())
    assert {r.client_id for r in mine.key_rows()} == {r.client_id for r in report.key_rows()}
    grid = key_client_grid(viewer=manager1, report=mine)
    assert len(grid.points) >= len(mine.key_rows())
    # The demo gives potentials, so the grid is split into its cells.
    assert grid.split is not None
    assert len({p.cell for p in grid.placed}) >= 2
    assert all(isinstance(p.cell, GridCell) for p in grid.placed)


@pytest.mark.django_db
def test_demo_trend_shows_a_growing_dependency_and_a_fallen_key_client() -> None:
    load_demo(clients=80, seed=3)
    trend = portfolio_trend(viewer=User.objects.get(username="director"), window=default_window())
    assert trend is not None
    critical = trend.rows[0]
    assert critical.class_now is KeyClass.CRITICAL
    assert critical.class_before is KeyClass.KEY  # about 17% a year ago
    assert critical.share_before is not None
    assert critical.share_now is not None
    assert critical.share_now > critical.share_before
    fallen = [r for r in trend.rows if r.class_now is KeyClass.NONE]
    assert len(fallen) == 1
    assert fallen[0].class_before is not KeyClass.NONE
