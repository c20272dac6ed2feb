"""Restore drill: back up, damage the data, restore, and find every row as it was.

Runs on the engine the suite is pointed at: SQLite (the online backup API) and, under
tests.pg_cluster, PostgreSQL (pg_dump / pg_restore). It commits (transactional_db) because a
backup sees only committed data, as in production."""

from __future__ import annotations

import io
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from kam.cli import main
from kam.clients.models import Client
from kam.core.backup import BackupError, backup, restore
from kam.portfolio.models import RevenueRecord
from kam.testing import build_org

pytestmark = pytest.mark.django_db(transaction=True)


def _everything() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model table, in primary-key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _damage() -> None:
    RevenueRecord.objects.all().delete()
    manager = Client.objects.order_by("pk")[0].manager
    Client.objects.all().update(name="Переименован")
    Client.objects.create(name="Лишний клиент", inn="5001000002", manager=manager)


def test_a_restore_brings_back_every_row(tmp_path: Path, settings, capsys, drill_figures) -> None:
    settings.VAR_DIR = tmp_path / "var"
    org = build_org()
    RevenueRecord.objects.create(
        client=org.client_a1, date="2026-01-15", amount=Decimal("1234567.89")
    )
    before = _everything()
    rows = sum(len(v) for v in before.values())
    assert RevenueRecord.objects.count() >= 2
    started = time.perf_counter()
    assert main(["backup", str(tmp_path / "kam.backup")]) == 0
    backed_up = time.perf_counter() - started
    _damage()
    assert _everything() != before
    started = time.perf_counter()
    assert main(["restore", str(tmp_path / "kam.backup"), "--yes"]) == 0
    restored = time.perf_counter() - started
    out = capsys.readouterr().out
    assert _everything() == before
    # The data the restore replaced was kept, and it is the damaged state.
    kept = next((tmp_path / "var" / "backups").iterdir())
    assert str(kept) in out
    assert restore(kept, keep_previous=False).engine == connection.vendor
    assert Client.objects.filter(name="Лишний клиент").exists()
    assert not RevenueRecord.objects.exists()
    # And back again; KAM works on the restored data.
    restore(tmp_path / "kam.backup", keep_previous=False)
    assert _everything() == before
    http = HttpClient()
    http.force_login(org.manager_a1)
    page = http.get(reverse("clients:client-detail", args=[org.client_a1.pk]))
    assert page.status_code == 200
    assert org.client_a1.name in page.content.decode()
    drill_figures(
        f"DRILL restore engine={connection.vendor} tables={len(before)} rows={rows} "
        f"backup_s={backed_up:.2f} restore_s={restored:.2f} mismatches=0"
    )


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    build_org()
    before = _everything()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="not a KAM backup"):
        restore(junk, keep_previous=False)
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(BackupError, match="backup; this KAM runs on"):
        restore(other, keep_previous=False)
    with pytest.raises(BackupError, match="cannot read"):
        restore(tmp_path / "missing.backup", keep_previous=False)
    assert _everything() == before


def test_restore_asks_before_replacing_everything(tmp_path: Path, monkeypatch, capsys) -> None:
    build_org()
    backup(tmp_path / "kam.backup")
    Client.objects.all().update(name="После копии")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, no --yes
    assert main(["restore", str(tmp_path / "kam.backup")]) == 2
    assert "--yes" in capsys.readouterr().err
    assert set(Client.objects.values_list("name", flat=True)) == {"После копии"}
