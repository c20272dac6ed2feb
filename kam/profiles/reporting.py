"""`kam report fit`: the profile and every scored client's fit as data, Excel or a table."""

from __future__ import annotations

from typing import Any

from kam.accounts.access import AnyUser
from kam.profiles.selectors import fit_ranking

COLUMNS = ["id", "name", "fit", "scored"]


def fit_as_dict(*, viewer: AnyUser) -> dict[str, Any]:
    """The JSON shape of `kam report fit` and the ranking API: scored clients, best first."""
    ranking = fit_ranking(viewer=viewer, include_unscored=False)
    names = {str(t.pk): t.name for t in ranking.traits}
    return {
        "profile": {
            "version": ranking.version.number if ranking.version else None,
            "traits": [{"name": t.name, "weight": float(t.weight)} for t in ranking.traits],
        },
        "clients": [
            {
                "id": row.client_id,
                "name": row.name,
                "fit": None if row.fit.value is None else round(row.fit.value, 4),
                "scored": row.fit.scored,
                "scores": {
                    names[key]: score
                    for key, score in row.scores.items()
                    if key in names and score is not None
                },
            }
            for row in ranking.rows
            if row.fit.scored
        ],
    }


def write_xlsx(data: dict[str, Any], path: str) -> None:
    from kam.core.exporting import write_workbook

    traits = [t["name"] for t in data["profile"]["traits"]]
    rows = [{**{c: item[c] for c in COLUMNS}, **item["scores"]} for item in data["clients"]]
    for row in rows:
        for name in traits:
            row.setdefault(name, None)
    summary = [["version", data["profile"]["version"]]] + [
        [f"weight: {t['name']}", t["weight"]] for t in data["profile"]["traits"]
    ]
    write_workbook(path, summary, {"fit": ([*COLUMNS, *traits], rows)})


def print_table(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    version = data["profile"]["version"]
    if version is None:
        console.print("No ideal profile yet.")
        return
    traits = [t["name"] for t in data["profile"]["traits"]]
    table = Table("client", "fit", "scored", *traits, title=f"Fit against profile v{version}")
    for item in data["clients"]:
        fit = "" if item["fit"] is None else f"{item['fit'] * 100:+.0f}%"
        scores = [str(item["scores"].get(n, "")) for n in traits]
        table.add_row(item["name"], fit, str(item["scored"]), *scores)
    console.print(table)
