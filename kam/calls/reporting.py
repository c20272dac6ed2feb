"""`kam report calls` output: terminal tables and an Excel workbook of the JSON report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

CATS = ("technical", "personal", "motivation", "other")


def _flat_calls(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**{k: c[k] for k in c if k != "questions"}, **c["questions"]} for c in data["calls"]]


def _flat_weeks(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"manager": m["manager"], "week": w["week"], "calls": w["calls"], **w["questions_per_call"]}
        for m in data["managers"]
        for w in m["weeks"]
    ]


def write_xlsx(data: dict[str, Any], path: str) -> None:
    """Sheets: calls, managers, weeks."""
    from kam.core.exporting import write_workbook

    managers = [
        {
            "manager": m["manager"],
            "calls": m["calls"],
            **m["questions_per_call"],
            "consultation_meeting": (m["consultation_meeting"] or {}).get("value"),
        }
        for m in data["managers"]
    ]
    call_cols = ["id", "date", "manager", *CATS, "price_named", "meeting_agreed"]
    sheets: dict[str, tuple[Sequence[str], Iterable[dict[str, Any]]]] = {
        "calls": ([*call_cols, "manager_talk_share", "score"], _flat_calls(data)),
        "managers": (["manager", "calls", *CATS, "consultation_meeting"], managers),
        "weeks": (["manager", "week", "calls", *CATS], _flat_weeks(data)),
    }
    write_workbook(path, [["calls", len(data["calls"])]], sheets)


def print_table(data: dict[str, Any]) -> None:
    """Managers week by week, then the latest calls."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for m in data["managers"]:
        conv = m["consultation_meeting"]
        conv_text = f"{conv['value'] * 100:.0f}%" if conv else "—"
        console.print(
            f"[bold]{m['manager']}[/]: {m['calls']} calls, consultation→meeting {conv_text}"
        )
        table = Table("week", "calls", *CATS)
        for w in m["weeks"]:
            q = w["questions_per_call"]
            table.add_row(w["week"], str(w["calls"]), *(f"{q[c]:.1f}" for c in CATS))
        console.print(table)
    table = Table("date", "id", "manager", *CATS, "price", "meeting", "score")
    for c in data["calls"][-50:]:
        q = c["questions"]
        table.add_row(
            c["date"],
            c["id"],
            c["manager"],
            *(str(q[k]) for k in CATS),
            "yes" if c["price_named"] else "",
            "agreed" if c["meeting_agreed"] else "",
            f"{c['score'] * 100:.0f}%",
        )
    console.print(table)
