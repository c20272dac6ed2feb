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
    """Managers week by week, then the latest calls: boxed on a terminal, tab-separated in a
    file or a pipe."""
    from rich.markup import escape

    from kam.core.console import ReportConsole

    out = ReportConsole()
    for m in data["managers"]:
        conv = m["consultation_meeting"]
        conv_text = f"{conv['value'] * 100:.0f}%" if conv else "—"
        out.line(
            f"[bold]{escape(m['manager'])}[/]: {m['calls']} calls, consultation→meeting {conv_text}"
        )
        out.table(
            ("week", "calls", *CATS),
            (
                (w["week"], str(w["calls"]), *(f"{w['questions_per_call'][c]:.1f}" for c in CATS))
                for w in m["weeks"]
            ),
            title=m["manager"],
        )
    out.table(
        ("date", "id", "manager", *CATS, "price", "meeting", "score"),
        (
            (
                c["date"],
                c["id"],
                c["manager"],
                *(str(c["questions"][k]) for k in CATS),
                "yes" if c["price_named"] else "",
                "agreed" if c["meeting_agreed"] else "",
                f"{c['score'] * 100:.0f}%",
            )
            for c in data["calls"][-50:]
        ),
        title="latest calls",
    )
