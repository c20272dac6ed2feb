"""`kam import fit` and `kam report fit` through the command a user types."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from kam.cli import main
from kam.profiles.models import ProfileVersion, TraitScore
from kam.testing import Org


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "fit.csv"
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / "fit.xlsx"
    book.save(path)
    return path


def test_a_wide_sheet_creates_the_profile_and_scores(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a1, a2 = org.client_a1, org.client_a2
    path = _xlsx(
        tmp_path,
        [
            ["Клиент", "Доверяет нам", "Платит в срок", "Открыт к новому"],
            ["Вес", 2, 1, 1],
            [a1.name, 4, -2, None],
            [a2.inn, "+5", 3, "−1"],
        ],
    )
    assert main(["import", "fit", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 clients" in out
    assert "Доверяет нам; Платит в срок; Открыт к новому" in out
    version = ProfileVersion.objects.get()
    assert [(t.name, float(t.weight)) for t in version.traits.all()] == [
        ("Доверяет нам", 2.0),
        ("Платит в срок", 1.0),
        ("Открыт к новому", 1.0),
    ]
    assert TraitScore.objects.count() == 5
    # Re-running the same file records nothing new.
    assert main(["import", "fit", str(path)]) == 0
    assert "changed 0 scores" in capsys.readouterr().out
    assert TraitScore.objects.count() == 5
    assert main(["report", "fit", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profile"] == {
        "version": 1,
        "traits": [
            {"name": "Доверяет нам", "weight": 2.0},
            {"name": "Платит в срок", "weight": 1.0},
            {"name": "Открыт к новому", "weight": 1.0},
        ],
    }
    fits = {c["id"]: c["fit"] for c in data["clients"]}
    # Independent arithmetic: Σ w·s / (5·Σ w) over the scored traits.
    assert fits[a1.pk] == pytest.approx((2 * 4 + 1 * -2) / (5 * 3), abs=1e-4)
    assert fits[a2.pk] == pytest.approx((2 * 5 + 3 - 1) / (5 * 4), abs=1e-4)
    assert [c["id"] for c in data["clients"]] == [a2.pk, a1.pk]  # best first
    assert data["clients"][1]["scores"] == {"Доверяет нам": 4, "Платит в срок": -2}


@pytest.mark.parametrize(
    ("cell", "reason"),
    [("6", "вне диапазона"), ("2,5", "не целое"), ("хорошо", "не число")],
)
def test_a_bad_score_names_row_column_and_reason_and_writes_nothing(
    org: Org,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cell: str,
    reason: str,
) -> None:
    text = (
        "Клиент;Доверяет нам;Платит в срок\n"
        f"{org.client_a1.name};3;2\n{org.client_a2.name};1;{cell}\n"
    )
    path = _csv(tmp_path, text)
    assert main(["import", "fit", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Строка 3, колонка «Платит в срок»" in err
    assert reason in err
    assert not ProfileVersion.objects.exists()
    assert not TraitScore.objects.exists()


def test_unknown_client_and_new_traits_join_the_current_version(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "Клиент;Черта А\nНет такого;3\n", "cp1251")
    assert main(["import", "fit", str(path)]) == 1
    assert "нет клиента «Нет такого»" in capsys.readouterr().err
    ok = _csv(tmp_path, f"Клиент;Черта А\n{org.client_a1.name};3\n")
    assert main(["import", "fit", str(ok)]) == 0
    more = _csv(tmp_path, f"Клиент;Черта А;Черта Б\n{org.client_a1.name};3;-4\n")
    assert main(["import", "fit", str(more)]) == 0
    version = ProfileVersion.objects.get()
    assert list(version.traits.values_list("name", flat=True)) == ["Черта А", "Черта Б"]
    assert org.client_a1.fit_actions.get().trait.name == "Черта Б"


def test_dry_run_writes_nothing(org: Org, tmp_path: Path) -> None:
    path = _csv(tmp_path, f"Клиент;Черта А\n{org.client_a1.name};3\n")
    assert main(["import", "fit", str(path), "--dry-run"]) == 0
    assert not ProfileVersion.objects.exists()


def test_api_scores_ranking_and_profile(org: Org) -> None:
    from rest_framework.test import APIClient

    from kam.profiles.services import version_create

    version = version_create(actor=org.director, traits=[("Открыт", 2), ("Платит", 1)])
    first, second = version.traits.all()
    api = APIClient()
    api.force_authenticate(org.manager_a1)
    url = f"/api/v1/icp/clients/{org.client_a1.pk}/scores/"
    bad = api.post(url, {"scores": {str(first.pk): 6}}, format="json")
    assert bad.status_code == 400
    ok = api.post(url, {"scores": {str(first.pk): 5, str(second.pk): -5}}, format="json")
    assert ok.status_code == 200
    assert ok.json()["fit"] == pytest.approx((2 * 5 - 5) / 15)
    assert [a["trait"] for a in ok.json()["actions"]] == [second.pk]
    assert api.get(f"/api/v1/icp/clients/{org.client_b1.pk}/scores/").status_code == 404
    ranking = api.get("/api/v1/icp/ranking/").json()
    assert [c["id"] for c in ranking["clients"]] == [org.client_a1.pk]
    assert api.get("/api/v1/icp/").json()["traits"][0] == {
        "id": first.pk,
        "name": "Открыт",
        "weight": 2.0,
    }
