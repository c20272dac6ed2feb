"""Translation catalogues are complete and compiled; key pages carry no untranslated text."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.testing import Org

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_russian_message_is_translated() -> None:
    po = polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_compiled_catalogue_is_up_to_date(lang: str) -> None:
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    po_entries = {(e.msgctxt, e.msgid) for e in po.translated_entries()}
    mo_entries = {(e.msgctxt, e.msgid) for e in mo}
    assert po_entries <= mo_entries, "run `make messages` to compile the catalogue"


ENGLISH_WORDS = ["Clients", "Search by name", "Contacts", "Revenue", "History of changes", "Edit"]


def test_client_pages_are_russian_by_default(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    for url in (reverse("clients:client-list"), org.client_a1.get_absolute_url()):
        html = http.get(url).content.decode()
        assert 'lang="ru"' in html
        leftovers = [w for w in ENGLISH_WORDS if f">{w}<" in html]
        assert not leftovers, f"{url}: untranslated {leftovers}"


def test_user_can_switch_to_english(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.manager_a1)
    http.post(reverse("accounts:language"), {"language": "en", "next": "/clients/"})
    org.manager_a1.refresh_from_db()
    assert org.manager_a1.language == "en"
    html = http.get(reverse("clients:client-list")).content.decode()
    assert 'lang="en"' in html
    assert ">Clients<" in html
