"""The dossier access log: every page and API response that shows a dossier field writes a row,
refused attempts too; repeats in one session and minute fold into one row; no-store headers."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import DossierView
from kam.testing import Org, canary
from tests.access.test_matrix import _http


def test_contact_and_competitor_edit_pages_are_logged(org: Org) -> None:
    """Both pages show dossier fields to the pair and wrote no row before."""
    client = org.client_a1
    http = _http(org, "manager_a1")
    contact = client.contacts.get()
    page = http.get(reverse("clients:contact-edit", args=[client.pk, contact.pk]))
    assert canary(client) in page.content.decode()
    assert DossierView.objects.filter(page="contact", viewer=org.manager_a1).count() == 1
    competitor = client.competitors.get()
    page = http.get(reverse("clients:competitor-edit", args=[client.pk, competitor.pk]))
    assert canary(client) in page.content.decode()
    assert DossierView.objects.filter(page="competitor", viewer=org.manager_a1).count() == 1


def test_outsider_on_the_contact_page_sees_no_dossier_field_and_writes_no_read(org: Org) -> None:
    client = org.client_a1
    page = _http(org, "director").get(
        reverse("clients:contact-edit", args=[client.pk, client.contacts.get().pk])
    )
    assert page.status_code == 200
    assert canary(client) not in page.content.decode()
    assert not DossierView.objects.filter(allowed=True).exists()


def test_repeated_openings_fold_into_one_row_per_session_and_minute(org: Org) -> None:
    url = reverse("clients:dossier", args=[org.client_a1.pk])
    start = timezone.now().replace(second=5, microsecond=0)
    with time_machine.travel(start, tick=False) as clock:
        http = _http(org, "manager_a1")
        for _ in range(5):
            http.get(url)
        assert DossierView.objects.count() == 1
        assert DossierView.objects.get().count == 5
        clock.move_to(start + timedelta(minutes=1))
        http.get(url)
        assert DossierView.objects.count() == 2
        other_session = _http(org, "manager_a1")
        other_session.get(url)
        assert DossierView.objects.count() == 3
    assert sum(DossierView.objects.values_list("count", flat=True)) == 7


def test_refused_writes_are_logged(org: Org) -> None:
    http = _http(org, "admin")
    response = http.post(reverse("clients:dossier-notes", args=[org.client_a1.pk]), {"notes": "x"})
    assert response.status_code == 404
    row = DossierView.objects.get()
    assert (row.viewer, row.allowed, row.page) == (org.admin, False, "write")


def test_dossier_responses_are_not_stored_by_caches(org: Org) -> None:
    client = org.client_a1
    http = _http(org, "manager_a1")
    urls = [
        reverse("clients:dossier", args=[client.pk]),
        reverse("clients:contact-edit", args=[client.pk, client.contacts.get().pk]),
        reverse("clients:competitor-edit", args=[client.pk, client.competitors.get().pk]),
        reverse("api:dossier", args=[client.pk]),
    ]
    for url in urls:
        response = http.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_dossier_says_who_can_read_it_and_since_when(org: Org) -> None:
    from kam.clients.services import client_update

    http = _http(org, "supervisor_a")
    url = reverse("clients:dossier", args=[org.client_a1.pk])
    readers = _http(org, "manager_a1").get(reverse("api:dossier", args=[org.client_a1.pk]))
    names = [r["who"] for r in readers.json()["readers"]]
    assert names == [org.manager_a1.display_name, org.supervisor_a.display_name]
    before = timezone.now()
    client_update(actor=org.supervisor_a, client=org.client_a1, manager=org.manager_a2)
    data = _http(org, "manager_a2").get(reverse("api:dossier", args=[org.client_a1.pk])).json()
    assert [r["who"] for r in data["readers"]] == [
        org.manager_a2.display_name,
        org.supervisor_a.display_name,
    ]
    for reader in data["readers"]:
        assert reader["since"] >= before.isoformat()[:16]
    assert http.get(url).status_code == 200


def test_where_a_supervisor_owns_a_client_their_supervisor_is_the_second_reader(
    org: Org,
) -> None:
    from kam.clients.services import client_create

    own = client_create(actor=org.supervisor_a, name="Свой клиент", manager=org.supervisor_a)
    url = reverse("clients:dossier", args=[own.pk])
    assert _http(org, "supervisor_a").get(url).status_code == 200
    page = _http(org, "director").get(url)
    assert page.status_code == 200
    assert "Director" in page.content.decode() or org.director.display_name in (
        page.content.decode()
    )
    assert _http(org, "supervisor_b").get(url).status_code == 404
    assert _http(org, "admin").get(url).status_code == 404
