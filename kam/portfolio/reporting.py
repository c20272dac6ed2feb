"""The portfolio report as plain data (JSON shape shared by the API and `kam report`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kam.core.exporting import write_workbook
from kam.portfolio.selectors import PortfolioReport


def _num(value: Decimal | None, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def report_as_dict(report: PortfolioReport) -> dict[str, Any]:
    """The documented JSON shape: window, totals, HHI, top shares, clients, alerts, managers."""
    return {
        "window": {"from": report.window.start.isoformat(), "to": report.window.end.isoformat()},
        "scope": report.scope.value,
        "total_revenue": _num(report.company_total),
        "scope_revenue": _num(report.scope_total),
        "hhi": _num(report.hhi),
        "equivalent_clients": _num(report.equivalent_clients),
        "top_shares": {str(n): _num(s, 6) for n, s in report.top_shares.items()},
        "clients": [
            {
                "id": r.client_id,
                "name": r.name,
                "inn": r.inn,
                "manager": r.manager,
                "revenue": _num(r.revenue),
                "share": _num(r.share, 6),
                "class": r.key_class.value,
                "abc": r.abc,
            }
            for r in report.rows
        ],
        "alerts": [
            {
                "client": a.row.name,
                "class": a.row.key_class.value,
                "share": _num(a.row.share, 6),
                "message": a.message,
            }
            for a in report.alerts
        ],
        "managers": [
            {
                "manager": m.manager,
                "key_clients": m.key_clients,
                "revenue": _num(m.revenue),
                "overloaded": m.overloaded,
            }
            for m in report.managers
        ],
    }


def write_xlsx(data: dict[str, Any], path: str) -> None:
    """The report as an Excel workbook: summary, clients, alerts, managers."""
    summary: list[list[Any]] = [["from", data["window"]["from"]], ["to", data["window"]["to"]]]
    summary += [[key, data[key]] for key in ("total_revenue", "hhi", "equivalent_clients")]
    summary += [[f"top_{n}_share", share] for n, share in data["top_shares"].items()]
    sheets = {
        "clients": ["id", "name", "inn", "manager", "revenue", "share", "class", "abc"],
        "alerts": ["client", "class", "share", "message"],
        "managers": ["manager", "key_clients", "revenue", "overloaded"],
    }
    write_workbook(path, summary, {name: (cols, data[name]) for name, cols in sheets.items()})


def print_table(data: dict[str, Any]) -> None:
    """The report as tables: boxed on a terminal, tab-separated in a file or a pipe."""
    from rich.markup import escape

    from kam.core.console import ReportConsole

    out = ReportConsole()
    out.line(
        f"Window {data['window']['from']} – {data['window']['to']}: "
        f"revenue {data['total_revenue']:,.2f}, HHI {data['hhi']:.0f}, "
        f"equivalent clients {data['equivalent_clients'] or 0:.1f}, "
        + ", ".join(f"top-{n} {s * 100:.1f}%" for n, s in data["top_shares"].items())
    )
    for alert in data["alerts"]:
        out.line(f"[bold red]{alert['class']}[/] {escape(alert['client'])}: {alert['message']}")
    out.table(
        ("#", "client", "INN", "manager", "revenue", "share", "class", "ABC"),
        (
            (
                str(i),
                c["name"],
                c["inn"] or "",
                c["manager"],
                f"{c['revenue']:,.2f}",
                f"{c['share'] * 100:.2f}%",
                c["class"],
                c["abc"],
            )
            for i, c in enumerate(data["clients"][:50], 1)
        ),
    )
    out.table(
        ("manager", "key clients", "revenue", "overloaded"),
        (
            (
                m["manager"],
                str(m["key_clients"]),
                f"{m['revenue']:,.2f}",
                "yes" if m["overloaded"] else "",
            )
            for m in data["managers"]
        ),
    )
