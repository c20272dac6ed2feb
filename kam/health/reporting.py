"""Table and XLSX output of the health and contrast reports (JSON is the dict itself)."""

from __future__ import annotations

from typing import Any

from kam.core.exporting import write_workbook
from kam.health.domain import COMPONENTS

EVIDENCE = [
    "stopped_buying",
    "days_silent",
    "median_gap_days",
    "complaints",
    "critic_answers",
    "negative_contacts",
    "share_drop_pp",
]
SATISFIED = [
    "first_purchase",
    "repeat_purchases",
    "promoter_answers",
    "last_score",
    "revenue_growth",
]


def _health_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for item in data["clients"]:
        row: dict[str, Any] = {"id": item["id"], "name": item["name"], "health": item["health"]}
        for name in COMPONENTS:
            part = item["components"][name]
            row[name] = part["value"]
            row[f"{name}_points"] = part["points"]
        row["alerts"] = ", ".join(item["alerts"])
        rows.append(row)
    return rows


HEALTH_COLUMNS = [
    "id",
    "name",
    "health",
    *(c for name in COMPONENTS for c in (name, f"{name}_points")),
    "alerts",
]


def health_xlsx(data: dict[str, Any], path: str) -> None:
    write_workbook(
        path, [["as_of", data["as_of"]]], {"health": (HEALTH_COLUMNS, _health_rows(data))}
    )


def health_table(data: dict[str, Any]) -> None:
    from kam.core.console import ReportConsole

    out = ReportConsole()
    out.line(f"Account health on {data['as_of']}")
    columns = ["id", "name", "health", "alerts"]
    out.table(
        columns,
        (["" if r[c] is None else str(r[c]) for c in columns] for r in _health_rows(data)),
        title=f"clients ({len(data['clients'])})",
    )


def _contrast_rows(items: list[dict[str, Any]], keys: list[str]) -> list[dict[str, Any]]:
    return [
        {"id": i["client"]["id"], "client": i["client"]["name"]}
        | {k: i["evidence"].get(k) for k in keys}
        for i in items
    ]


def contrast_xlsx(data: dict[str, Any], path: str) -> None:
    write_workbook(
        path,
        [["as_of", data["as_of"]]],
        {
            "satisfied": (
                ["id", "client", *SATISFIED],
                _contrast_rows(data["satisfied"], SATISFIED),
            ),
            "dissatisfied": (
                ["id", "client", *EVIDENCE],
                _contrast_rows(data["dissatisfied"], EVIDENCE),
            ),
        },
    )


def contrast_table(data: dict[str, Any]) -> None:
    from kam.core.console import ReportConsole

    out = ReportConsole()
    out.line(f"Contrast analysis candidates on {data['as_of']}")
    for side, keys in (("satisfied", SATISFIED), ("dissatisfied", EVIDENCE)):
        columns = ["id", "client", *keys]
        rows = _contrast_rows(data[side], keys)
        out.table(
            columns,
            (["" if r[c] is None else str(r[c]) for c in columns] for r in rows),
            title=f"{side} ({len(rows)})",
        )
