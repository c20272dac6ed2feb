"""`kam import calls`, `kam report calls` and the demo calls."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from kam.calls.demo import seed_calls
from kam.calls.models import Call
from kam.cli import main
from kam.testing import Org

TEXT = """Дата: 2026-03-03 10:00
Сотрудник: manager_b1
Оператор: Сколько комнат вам нужно? Есть ли у вас дети?
Абонент: Две, да.
"""


def test_import_and_report_from_the_command_line(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c-77.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert main(["import", "calls", str(tmp_path)]) == 0
    assert "created=1" in capsys.readouterr().out
    assert main(["import", "calls", str(tmp_path)]) == 0
    assert "unchanged=1" in capsys.readouterr().out
    args = ["report", "calls", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calls"][0]["id"] == "c-77"
    assert data["calls"][0]["questions"] == {
        "technical": 1,
        "personal": 1,
        "motivation": 0,
        "other": 0,
    }
    assert main([*args, "--as", "manager_a1"]) == 0
    assert json.loads(capsys.readouterr().out)["calls"] == []


def test_bad_transcript_fails_the_command_and_writes_nothing(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Дата: 2026-03-03\nСотрудник: manager_b1\nтекст без меток", encoding="utf-8")
    assert main(["import", "calls", str(path)]) == 1
    assert "x.txt" in capsys.readouterr().err
    assert not Call.objects.exists()


def test_demo_manager_asks_more_every_week(org: Org) -> None:
    org.manager_a1.username, org.manager_a2.username = "manager2", "manager3"
    org.manager_a1.save(update_fields=["username"])
    org.manager_a2.save(update_fields=["username"])
    made = seed_calls(random.Random(3), date(2026, 3, 30))
    assert made["calls"] > 20
    weekly: dict[int, list[int]] = {}
    for call in Call.objects.filter(manager=org.manager_a1):
        week = (call.day - date(2026, 3, 2)).days // 7
        weekly.setdefault(week, []).append(call.questions_total)
    averages = [sum(v) / len(v) for _, v in sorted(weekly.items())]
    assert len(averages) == 4
    assert averages == sorted(averages)
    assert averages[-1] > averages[0] + 5
    steady = [c.questions_total for c in Call.objects.filter(manager=org.manager_a2)]
    assert max(steady) - min(steady) <= 2


def test_table_report_is_tab_separated_in_a_pipe(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c-78.txt").write_text(TEXT, encoding="utf-8")
    assert main(["import", "calls", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["report", "calls", "--from", "2026-03-01", "--to", "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert "2026-W10\t1\t1.0\t1.0\t0.0\t0.0" in out
    assert "c-78" in out
