"""The cadence report (`kam report cadence`) as plain data, Excel and terminal tables."""

from __future__ import annotations

from typing import Any

from kam.accounts.models import User
from kam.core.exporting import write_workbook
from kam.relations.selectors import TodayPage

SHEETS = {
    "overdue": ["client", "manager", "days_since_positive", "days_overdue"],
    "paused": ["client", "manager", "until"],
    "reviews_due": ["client", "manager", "last_review"],
    "dates": ["client", "contact", "what", "date"],
}


def cadence_as_dict(page: TodayPage, *, viewer: User | None) -> dict[str, Any]:
    """The JSON shape of `kam report cadence` (issue 5)."""
    return {
        "as": viewer.username if viewer is not None else None,
        "today": page.today.isoformat(),
        "overdue": [
            {
                "client": r.client.name,
                "manager": r.client.manager.display_name,
                "days_since_positive": r.status.days_since_positive,
                "days_overdue": r.status.days_overdue,
            }
            for r in page.due
            if r.status is not None and r.status.is_overdue
        ],
        "paused": [
            {
                "client": r.client.name,
                "manager": r.client.manager.display_name,
                "until": r.pause_until.isoformat() if r.pause_until else None,
            }
            for r in page.paused
        ],
        "reviews_due": [
            {
                "client": r.client.name,
                "manager": r.client.manager.display_name,
                "last_review": r.last_review.isoformat() if r.last_review else None,
            }
            for r in page.reviews
        ],
        "dates": [
            {
                "client": d.client.name,
                "contact": d.contact.full_name,
                "what": d.what,
                "date": d.date.isoformat(),
            }
            for d in page.dates
        ],
    }


def write_xlsx(data: dict[str, Any], path: str) -> None:
    """One sheet per list of the report."""
    summary = [["as", data["as"] or "company"], ["today", data["today"]]]
    write_workbook(path, summary, {name: (cols, data[name]) for name, cols in SHEETS.items()})


def print_table(data: dict[str, Any]) -> None:
    """The report as tables: boxed on a terminal, tab-separated in a file or a pipe."""
    from kam.core.console import ReportConsole

    out = ReportConsole()
    out.line(f"Contact discipline on {data['today']} as {data['as'] or 'company'}")
    for name, columns in SHEETS.items():
        out.table(
            columns,
            (["" if item[c] is None else str(item[c]) for c in columns] for item in data[name]),
            title=f"{name} ({len(data[name])})",
        )


RELATION_COLUMNS = ["client", "manager", "stage", "balance", "withdrawals_in_a_row", "alerts"]


def relations_as_dict(rows: list[Any], *, viewer: User | None, today: str) -> dict[str, Any]:
    """The JSON shape of `kam report relations`: per client stage, balance and alerts."""
    return {
        "as": viewer.username if viewer is not None else None,
        "today": today,
        "clients": [
            {
                "client": r.client.name,
                "manager": r.client.manager.display_name,
                "stage": r.stage.name if r.stage else None,
                "balance": r.balance,
                "withdrawals_in_a_row": r.streak,
                "alerts": r.alerts,
            }
            for r in rows
        ],
    }


def write_relations_xlsx(data: dict[str, Any], path: str) -> None:
    rows = [{**item, "alerts": ", ".join(item["alerts"])} for item in data["clients"]]
    summary = [["as", data["as"] or "company"], ["today", data["today"]]]
    write_workbook(path, summary, {"clients": (RELATION_COLUMNS, rows)})


def print_relations_table(data: dict[str, Any]) -> None:
    from kam.core.console import ReportConsole

    ReportConsole().table(
        RELATION_COLUMNS,
        (
            (
                item["client"],
                item["manager"],
                item["stage"] or "—",
                str(item["balance"]),
                str(item["withdrawals_in_a_row"]),
                ", ".join(item["alerts"]),
            )
            for item in data["clients"]
        ),
        title=f"Relationships on {data['today']}",
    )
