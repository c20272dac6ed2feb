"""Amounts keep every digit they are given: at most 15 significant digits are accepted (the
most SQLite's number storage keeps exactly), a longer one is refused with a form error, never
stored to fail later when read back."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client as HttpClient
from django.urls import reverse

from kam.portfolio.models import RevenueRecord
from kam.testing import Org


def _post(org: Org, amount: str) -> int:
    http = HttpClient()
    http.force_login(org.manager_a1)
    url = reverse("portfolio:revenue-create", args=[org.client_a1.pk])
    response = http.post(url, {"date": "01.02.2026", "amount": amount, "note": "крупная"})
    return response.status_code


def test_the_largest_amount_is_read_back_to_the_kopeck(org: Org) -> None:
    assert _post(org, "9 999 999 999 999,99") == 302
    record = RevenueRecord.objects.get(client=org.client_a1, note="крупная")
    assert record.amount == Decimal("9999999999999.99")
    # The card that lists it opens.
    http = HttpClient()
    http.force_login(org.manager_a1)
    assert http.get(f"/clients/{org.client_a1.pk}/").status_code == 200


def test_a_sixteenth_digit_is_refused_not_stored(org: Org) -> None:
    status = _post(org, "99 999 999 999 999,99")
    assert status == 400  # the card again, with the form's error
    assert not RevenueRecord.objects.filter(note="крупная").exists()
