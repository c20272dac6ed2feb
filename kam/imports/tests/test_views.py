"""The web import: upload → check with preview and errors → confirm; admins only."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from kam.imports.messages import reason
from kam.imports.models import ImportJob, JobStatus
from kam.imports.tests.helpers import FIXTURES, snapshot
from kam.portfolio.models import RevenueRecord
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _admin(org: Org) -> HttpClient:
    http = HttpClient()
    http.force_login(org.admin)
    return http


def _upload(http: HttpClient, name: str, content: bytes, kind: str = "revenue") -> ImportJob:
    file = SimpleUploadedFile(name, content)
    response = http.post(reverse("imports:start"), {"kind": kind, "preset": "auto", "file": file})
    assert response.status_code == 302
    return ImportJob.objects.latest("id")


def test_upload_preview_confirm(org: Org) -> None:
    http = _admin(org)
    job = _upload(http, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    assert job.status == JobStatus.CHECKED
    assert Path(job.stored_path).exists()
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Поставка бумаги" in page
    assert "Дата закрытия" in page
    assert RevenueRecord.objects.filter(source="amocrm").count() == 0
    response = http.post(reverse("imports:job-confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.summary["created"] == 3
    assert not Path(job.stored_path or "/nonexistent").exists()
    assert RevenueRecord.objects.filter(source="amocrm").count() == 3


def test_errors_are_listed_and_nothing_is_written(org: Org) -> None:
    http = _admin(org)
    before = snapshot()
    job = _upload(http, "bad.csv", "Клиент;Дата;Сумма\nX;31.02.2025;1\n".encode())
    assert job.status == JobStatus.INVALID
    assert snapshot() == before
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "31.02.2025" in page
    assert http.post(reverse("imports:job-confirm", args=[job.pk])).status_code == 302
    assert snapshot() == before
    errors = http.get(reverse("imports:job-errors", args=[job.pk]), {"format": "csv"})
    assert errors.status_code == 200
    assert "31.02.2025" in errors.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02garbage", b"PK\x03\x04broken", "\u0000;\u0000".encode()]
)
def test_junk_uploads_never_500(org: Org, content: bytes) -> None:
    http = _admin(org)
    file = SimpleUploadedFile("junk.xlsx", content)
    response = http.post(
        reverse("imports:start"), {"kind": "revenue", "preset": "auto", "file": file}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert http.get(response["Location"]).status_code == 200


def test_big_files_are_checked_in_the_background(org: Org, settings) -> None:
    # Tests run queued tasks at once (the immediate backend): deterministic, no thread.
    settings.KAM_IMPORT_SYNC_BYTES = 10
    http = _admin(org)
    job = _upload(http, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    assert job.info["task"]  # it went through the queue, not the request
    assert job.status == JobStatus.CHECKED
    fragment = http.get(reverse("imports:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert http.post(reverse("imports:job-confirm", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert RevenueRecord.objects.filter(source="amocrm").count() == 3


def test_non_admins_are_refused(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.director)
    assert http.get(reverse("imports:start")).status_code == 403


def test_a_job_whose_worker_died_is_reported_as_interrupted(org: Org) -> None:
    from datetime import timedelta

    from django.utils import timezone

    job = ImportJob.objects.create(
        kind="revenue", preset="auto", status=JobStatus.APPLYING, actor=org.admin, file_name="x"
    )
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    page = _admin(org).get(reverse("imports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors[0]["code"] == "interrupted"
    assert reason("interrupted", {}) in page


def test_confirm_runs_once(org: Org) -> None:
    http = _admin(org)
    job = _upload(http, "deals.csv", (FIXTURES / "amocrm_deals.csv").read_bytes())
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    assert RevenueRecord.objects.filter(source="amocrm").count() == 3


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("real/excel_title_totals.xlsx", "revenue"),
        ("real/1c_sales_report.xlsx", "revenue"),
        ("real/sales_binary.xls", "revenue"),
        ("real/bitrix24_deals.xls", "revenue"),
    ],
)
def test_real_spreadsheets_upload_and_import(org: Org, name: str, kind: str) -> None:
    """Every valid XLSX, binary XLS and Bitrix24 HTML .xls is read through the web too (the
    upload is stored under KAM's own name, which must not matter)."""
    http = _admin(org)
    before = RevenueRecord.objects.count()
    file = SimpleUploadedFile(name.rsplit("/", 1)[1], (FIXTURES / name).read_bytes())
    response = http.post(
        reverse("imports:start"),
        {"kind": kind, "preset": "auto", "file": file, "manager": org.manager_a1.pk},
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    assert job.status == JobStatus.CHECKED, job.errors
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "header-found" in page
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.summary["created"] > 0
    assert RevenueRecord.objects.count() - before == job.summary["created"]


def test_preview_shows_the_period_diff_before_anything_is_written(org: Org) -> None:
    http = _admin(org)
    first = "Клиент;Дата;Сумма\nООО Дифф;01.03.2026;1000\nООО Дифф;15.03.2026;2500\n"
    data = {"kind": "revenue", "preset": "auto", "manager": org.manager_a1.pk}
    http.post(
        reverse("imports:start"), {**data, "file": SimpleUploadedFile("a.csv", first.encode())}
    )
    job = ImportJob.objects.latest("id")
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    fixed = first.replace("2500", "2750").encode()
    http.post(reverse("imports:start"), {**data, "file": SimpleUploadedFile("a.csv", fixed)})
    job = ImportJob.objects.latest("id")
    assert job.status == JobStatus.CHECKED
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    diff = page[page.index('id="diff"') :]
    assert "с 15.03.2026 по 15.03.2026" not in diff  # the period is the file's: 01.03 to 15.03
    assert "01.03.2026" in diff
    assert "2\u00a0750,00" in diff or "2 750,00" in diff
    assert "2\u00a0500,00" in diff or "2 500,00" in diff
    amounts = sorted(RevenueRecord.objects.filter(source="import").values_list("amount", flat=True))
    assert [str(a) for a in amounts] == ["1000.00", "2500.00"]  # nothing written yet


def test_a_revenue_file_with_an_unknown_stage_gets_the_mapping_in_its_preview(org: Org) -> None:
    http = _admin(org)
    content = (
        "ID;Название сделки;Стадия сделки;Сумма;Компания;Предполагаемая дата закрытия;"
        "Ответственный\n"
        "1;Бумага;Оплачено;1 500;ООО Стадия;10.03.2026;Тестов Manager_A1\n"
        "2;Картон;Сделка провалена;900;ООО Стадия;11.03.2026;Тестов Manager_A1\n"
        "3;Плёнка;Оплачено;2 500;ООО Стадия;12.03.2026;Тестов Manager_A1\n"
    ).encode()
    job = _upload(http, "deals.csv", content)
    assert job.status == JobStatus.INVALID
    assert job.stored_path, job.errors  # kept for the mapping
    page = http.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'id="stage-map"' in page
    assert "Оплачено" in page.split('id="stage-map"')[1]
    response = http.post(reverse("imports:job-stages", args=[job.pk]), {"stage_0": "won"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED, job.errors
    http.post(reverse("imports:job-confirm", args=[job.pk]))
    made = RevenueRecord.objects.filter(client__name="ООО Стадия")
    amounts = sorted(made.values_list("amount", flat=True))
    assert [str(a) for a in amounts] == ["1500.00", "2500.00"]  # the lost deal is no revenue
