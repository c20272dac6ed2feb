"""The import job as the audit unit: one-click undo removes exactly what the job created."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from kam.accounts.models import User
from kam.cli import main
from kam.clients.models import Client, Contact
from kam.imports.models import ImportJob, JobStatus
from kam.imports.tests.helpers import FIXTURES, make_inn, snapshot
from kam.imports.undo import import_job_undo, undo_check
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _web_import(org: Org, name: str, content: bytes, kind: str = "revenue") -> ImportJob:
    http = HttpClient()
    http.force_login(org.admin)
    file = SimpleUploadedFile(name, content)
    response = http.post(
        reverse("imports:start"),
        {"kind": kind, "preset": "auto", "file": file, "manager": org.manager_a1.pk},
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.errors
    return job


def test_undo_removes_exactly_what_the_job_created(org: Org) -> None:
    before = snapshot()
    revenue_before = set(RevenueRecord.objects.values_list("pk", "amount"))
    job = _web_import(org, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    assert job.written["revenue"]["count"] == 3
    assert job.written["users"]  # «Орлов Дмитрий Сергеевич» was created
    assert snapshot() != before
    http = HttpClient()
    http.force_login(org.admin)
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'id="undo-button"' in page
    response = http.post(reverse("imports:job-undo", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.UNDONE
    assert job.undone_by == org.admin
    assert set(RevenueRecord.objects.values_list("pk", "amount")) == revenue_before
    assert snapshot()[0] == before[0]  # clients
    assert snapshot()[2:] == before[2:]  # contacts, revenue, interactions, users
    # A second undo is refused; nothing changes.
    assert not import_job_undo(actor=org.admin, job=job).ok


def test_undo_is_refused_when_later_work_depends_on_it(org: Org) -> None:
    text = f"Клиент;ИНН;Дата;Сумма\nООО Новое;{make_inn(424242)};01.03.2026;5000\n"
    job = _web_import(org, "new.csv", text.encode())
    client = Client.objects.get(name="ООО Новое")
    # Later work: a contact added by hand to the client the import created.
    Contact.objects.create(client=client, full_name="Петров Пётр")
    check = undo_check(job)
    assert not check.ok
    assert [code for code, _p in check.blockers] == ["client_used"]
    before = snapshot()
    assert not import_job_undo(actor=org.admin, job=job).ok
    assert snapshot() == before
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_undo_puts_back_rows_a_period_file_replaced(org: Org, tmp_path: Path) -> None:
    first = "Клиент;Дата;Сумма\nООО Период;01.03.2026;1000\nООО Период;15.03.2026;2500\n"
    _web_import(org, "march.csv", first.encode())
    rows_after_first = sorted(
        RevenueRecord.objects.filter(source="import").values_list("date", "amount", "external_id")
    )
    corrected = _web_import(org, "march.csv", first.replace("2500", "2750").encode())
    assert corrected.summary["deleted"] == 1
    assert import_job_undo(actor=org.admin, job=corrected).ok
    restored = sorted(
        RevenueRecord.objects.filter(source="import").values_list("date", "amount", "external_id")
    )
    assert restored == rows_after_first
    assert Decimal(2500) in {a for _d, a, _k in restored}


def test_a_later_import_that_changed_the_rows_blocks_the_undo(org: Org) -> None:
    first = "Клиент;Дата;Сумма;Комментарий\nООО Нота;01.03.2026;1000;Счёт 1\n"
    job = _web_import(org, "a.csv", first.encode())
    later = _web_import(org, "a.csv", first.replace("Счёт 1", "Счёт 1б").encode())
    assert later.summary["updated"] == 1
    codes = [code for code, _p in undo_check(job).blockers]
    assert "later_import" in codes
    # Undo the later one first, then the first one goes too.
    assert import_job_undo(actor=org.admin, job=later).ok
    assert RevenueRecord.objects.get(source="import").note == "Счёт 1"
    job.refresh_from_db()
    assert import_job_undo(actor=org.admin, job=job).ok
    assert not RevenueRecord.objects.filter(source="import").exists()


def test_cli_import_leaves_a_job_that_can_be_undone(
    org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Клиент;Дата;Сумма\nООО Консоль;02.03.2026;700\n", encoding="utf-8")
    before = snapshot()
    assert main(["import", "revenue", str(path), "--no-progress", "--manager", "admin"]) == 0
    assert "import job" in capsys.readouterr().out
    job = ImportJob.objects.latest("id")
    assert job.actor is None
    assert job.status == JobStatus.DONE
    assert RevenueRecord.objects.filter(source="import", date=date(2026, 3, 2)).exists()
    assert import_job_undo(actor=org.admin, job=job).ok
    after = snapshot()
    assert (after[0], *after[2:]) == (before[0], *before[2:])
    # The client's history keeps its creation and its removal (the audit trail).
    assert Client.history.filter(name="ООО Консоль", history_type="-").exists()


def test_undo_of_created_people_refused_once_they_log_in(org: Org) -> None:
    job = _web_import(org, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    user = User.objects.get(pk=job.written["users"][0])
    user.set_password("a long enough password 1")
    user.save()
    assert "user_active" in [code for code, _p in undo_check(job).blockers]


def test_undo_needs_an_admin(org: Org) -> None:
    job = _web_import(org, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    http = HttpClient()
    http.force_login(org.manager_a1)
    response = http.post(reverse("imports:job-undo", args=[job.pk]))
    assert response.status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_undo_refreshes_todays_stored_health_scores(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    """The clients an undone import created leave today's stored lists when the undo
    commits (as an import's new clients enter them)."""
    from django.utils import timezone

    from kam.health.models import HealthSnapshot
    from kam.health.services import health_snapshot_write

    job = _web_import(org, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    created = job.written["clients"]
    today = timezone.localdate()
    health_snapshot_write(day=today)
    assert HealthSnapshot.objects.filter(day=today, client_id__in=created).exists()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert import_job_undo(actor=org.admin, job=job).ok
    assert len(queued) == 1
    assert not HealthSnapshot.objects.filter(day=today, client_id__in=created).exists()
