"""The client list as a KAM list (issue 19): sortable revenue, share, key class, stage, days
since a positive contact and health; filters kept in the URL; the download is exactly the
list shown, formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kam.clients.models import Client
from kam.portfolio.models import RevenueRecord
from kam.relations.models import Interaction, RelationshipStage, StageChange
from kam.testing import Org

pytestmark = pytest.mark.django_db


def _http(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


@pytest.fixture
def kam_org(org: Org) -> Org:
    """Revenue in the default window (the persona records add 1,000 each): a2 4,000 of 6,500
    (61.5%, mono), b1 1,500 (23.1%, critical), a1 1,000 (15.4%, key). Stages: b1 on the
    first stage, a1 on the third, a2 none. Positive contacts: a1 5 days ago, b1 20, a2 never."""
    today = timezone.localdate()
    RevenueRecord.objects.create(client=org.client_a2, date=today, amount=Decimal(3000))
    RevenueRecord.objects.create(client=org.client_b1, date=today, amount=Decimal(500))
    stages = list(RelationshipStage.objects.order_by("order", "id"))
    for client, stage in ((org.client_b1, stages[0]), (org.client_a1, stages[2])):
        StageChange.objects.create(
            client=client, stage=stage, date=today, reason="тест", author=org.director
        )
    for client, days in ((org.client_a1, 5), (org.client_b1, 20)):
        Interaction.objects.create(
            client=client,
            author=client.manager,
            date=today - timedelta(days=days),
            channel="call",
            tone="positive",
        )
    return org


def _order(html: str, clients: list[Client]) -> list[Client]:
    body = html[html.index('id="results"') :]
    return sorted(clients, key=lambda c: body.index(c.name))


def _row(html: str, client: Client) -> str:
    body = html[html.index('id="results"') :]
    return body[body.index(client.name) :].split("</tr>", 1)[0]


def _cell(html: str, client: Client, column: str) -> str:
    row = _row(html, client)
    return row.split(f'data-column="{column}">', 1)[1].split("</td>", 1)[0].strip()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-revenue", ["client_a2", "client_b1", "client_a1"]),
        ("revenue", ["client_a1", "client_b1", "client_a2"]),
        ("-share", ["client_a2", "client_b1", "client_a1"]),
        ("-class", ["client_a2", "client_b1", "client_a1"]),
        ("class", ["client_a1", "client_b1", "client_a2"]),
        ("stage", ["client_b1", "client_a1", "client_a2"]),  # no stage: last
        ("positive", ["client_a1", "client_b1", "client_a2"]),  # fewest days first, never last
        ("-positive", ["client_a2", "client_b1", "client_a1"]),  # never first
    ],
)
def test_the_list_sorts_by_every_kam_column(kam_org: Org, sort: str, expected: list[str]) -> None:
    org = kam_org
    html = _http(org.director).get("/clients/", {"sort": sort}).content.decode()
    assert [c.name for c in _order(html, org.clients)] == [getattr(org, k).name for k in expected]


def test_cells_agree_with_an_independent_computation(kam_org: Org) -> None:
    org = kam_org
    html = _http(org.director).get("/clients/").content.decode()
    total = Decimal(6500)
    for client, revenue, label in (
        (org.client_a2, 4000, "моноклиент"),
        (org.client_b1, 1500, "критическая зависимость"),
        (org.client_a1, 1000, "ключевой клиент"),
    ):
        share = (Decimal(revenue) / total * 100).quantize(Decimal("0.1"))
        assert _cell(html, client, "share") == f"{share}%".replace(".", ",")
        assert _cell(html, client, "revenue").replace("\xa0", " ") == f"{revenue:,}".replace(
            ",", " "
        )
        assert label in _cell(html, client, "class")
    assert _cell(html, org.client_a1, "positive") == "5"
    assert _cell(html, org.client_b1, "positive") == "20"
    assert _cell(html, org.client_a2, "positive") == "никогда"
    first_stage = RelationshipStage.objects.order_by("order", "id").first()
    assert first_stage is not None
    assert _cell(html, org.client_b1, "stage") == first_stage.name
    assert _cell(html, org.client_a2, "stage") == "—"


def test_sort_and_page_links_keep_the_filters_and_have_one_question_mark(kam_org: Org) -> None:
    org = kam_org
    html = _http(org.director).get("/clients/", {"q": "Альфа", "sort": "-revenue"}).content.decode()
    assert "??" not in html
    assert 'href="?q=%D0%90%D0%BB%D1%8C%D1%84%D0%B0&amp;sort=revenue"' in html
    assert 'href="?q=%D0%90%D0%BB%D1%8C%D1%84%D0%B0&amp;sort=-revenue&amp;format=csv"' in html
    # The filtered list: the two Альфа clients, a2 (larger) first.
    assert [c.name for c in _order(html, [org.client_a1, org.client_a2])] == [
        org.client_a2.name,
        org.client_a1.name,
    ]
    assert org.client_b1.name not in html[html.index('id="results"') :]


def test_the_download_is_the_list_shown_and_formula_safe(kam_org: Org) -> None:
    org = kam_org
    org.client_b1.name = "=HYPERLINK(1)"
    org.client_b1.save()
    http = _http(org.director)
    page = http.get("/clients/", {"sort": "-revenue"}).content.decode()
    response = http.get("/clients/", {"sort": "-revenue", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    for label in ("Выручка, 12 мес.", "Доля, %", "Класс", "Стадия отношений", "Здоровье"):
        assert label in header
        assert label.removesuffix(", %") in page
    names = [r[0] for r in body]
    assert names == [org.client_a2.name, "'=HYPERLINK(1)", org.client_a1.name]
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_name[org.client_a2.name]["Доля, %"] == "61,50"
    assert by_name[org.client_a2.name]["Класс"] == "моноклиент"
    assert by_name[org.client_a1.name]["Дней с позитивного контакта"] == "5"
    # A manager downloads only their own list.
    mine = _http(org.manager_a1).get("/clients/", {"format": "csv"}).content.decode("utf-8-sig")
    assert org.client_a1.name in mine
    assert org.client_a2.name not in mine


@pytest.mark.parametrize("descending", [False, True])
def test_the_list_sorts_by_health(kam_org: Org, descending: bool) -> None:
    from kam.health.selectors import health_list

    org = kam_org
    scores = {
        h.client.pk: h.health
        for h in health_list(viewer=org.director, as_of=timezone.localdate(), compare=False)
    }
    assert len({scores[c.pk] for c in org.clients}) > 1  # the persona clients differ
    expected = sorted(
        org.clients,
        key=lambda c: (-(scores[c.pk] or 0) if descending else scores[c.pk] or 0, c.name),
    )
    sort = "-health" if descending else "health"
    http = _http(org.director)
    html = http.get("/clients/", {"sort": sort}).content.decode()
    assert [c.name for c in _order(html, org.clients)] == [c.name for c in expected]
    for client in org.clients:
        assert _cell(html, client, "health") == str(scores[client.pk])
    text = http.get("/clients/", {"sort": sort, "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [r[0] for r in rows] == [c.name for c in expected]


def test_a_very_large_list_is_not_sorted_by_health(
    kam_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kam.clients import views

    monkeypatch.setattr(views, "PYTHON_SORT_LIMIT", 2)
    html = _http(kam_org.director).get("/clients/", {"sort": "-health"}).content.decode()
    assert "сузьте список до 2 клиентов или меньше" in html
    # By name instead.
    assert [c.name for c in _order(html, kam_org.clients)] == sorted(
        c.name for c in kam_org.clients
    )
