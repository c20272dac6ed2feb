"""Shipped reference notes carry no internal source tags, on new and on upgraded installs."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from kam.deals.defaults import REFERENCES
from kam.deals.models import IndustryReference

pytestmark = pytest.mark.django_db


def test_no_shipped_note_names_the_source_text() -> None:
    assert all("seed" not in ref["note"] for ref in REFERENCES)
    assert not IndustryReference.objects.filter(note__contains="seed").exists()


def test_upgrade_strips_the_tag_and_leaves_rewritten_notes_alone() -> None:
    migration = importlib.import_module("kam.deals.migrations.0004_reference_notes")
    old = IndustryReference.objects.first()
    assert old is not None
    old.note = "До 70% (seed 002)."
    old.save()
    mine = IndustryReference.objects.exclude(pk=old.pk).first()
    assert mine is not None
    mine.note = "Наш собственный ориентир."
    mine.save()
    migration.forwards(apps, None)
    old.refresh_from_db()
    mine.refresh_from_db()
    assert old.note == "До 70%."
    assert mine.note == "Наш собственный ориентир."
