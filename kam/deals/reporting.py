"""The funnel report in the shell: a table, or a workbook (JSON is `funnel_as_dict` as is)."""

from __future__ import annotations

from typing import Any

TRANSITIONS = ("consultation_meeting", "meeting_won", "consultation_won")


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for label, block in [("team", data["team"]), *((m["manager"], m) for m in data["managers"])]:
        row: dict[str, Any] = {
            "manager": label,
            "consultation": block["consultation"],
            "meeting": block["meeting"],
            "won": block["won"],
            "best": label == data["best"],
        }
        for name in TRANSITIONS:
            r = block["rates"][name] or {}
            row[name] = r.get("value")
            row[f"{name}_low"] = r.get("low")
            row[f"{name}_high"] = r.get("high")
        rows.append(row)
    return rows


def write_xlsx(data: dict[str, Any], path: str) -> None:
    """The funnel as a workbook: window and best on the summary sheet, a row per manager."""
    from kam.core.exporting import write_workbook

    summary = [
        ["from", data["window"]["from"]],
        ["to", data["window"]["to"]],
        ["best", data["best"]],
    ]
    rows = _rows(data)
    columns = list(rows[0]) if rows else ["manager"]
    write_workbook(path, summary, {"funnel": (columns, rows)})


def _pct(value: Any) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def print_table(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"Funnel {data['window']['from']} – {data['window']['to']}; best: {data['best'] or '-'}"
    )
    table = Table(
        "manager", "consult.", "meetings", "won", "cons→meet (95%)", "meet→won (95%)", "best"
    )
    for row in _rows(data):
        cells = [row["manager"], str(row["consultation"]), str(row["meeting"]), str(row["won"])]
        cells.extend(
            f"{_pct(row[name])} ({_pct(row[name + '_low'])}…{_pct(row[name + '_high'])})"
            if row[name] is not None
            else "-"
            for name in ("consultation_meeting", "meeting_won")
        )
        cells.append("*" if row["best"] else "")
        table.add_row(*cells)
    console.print(table)
