"""The column guide (`kam import --help`, the import page, the README) says what the importer
really accepts: every listed header fills its field, and the stated needs are the checks."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from kam.cli import _parser
from kam.imports.columns import CRM_PRESETS, help_text, kind_guide
from kam.imports.domain import KIND_FIELDS, Kind, Preset, aliases, map_columns
from kam.testing import Org

PRESETS = (Preset.GENERIC, *CRM_PRESETS)
NAME_FIELDS = {"full_name", "first_name", "last_name"}


def _needs(kind: Kind, preset: Preset, leaving: str) -> list[str]:
    """Headers for what a file of `kind` must have, other than the field `leaving` (the guide's
    own first header of each), so the file maps without problems."""
    table = aliases(preset)
    names = [f.name for f in kind_guide(kind) if f.required and f.name != leaving]
    if leaving not in {"client", "inn"}:
        names.append("inn")
    if kind is Kind.CONTACTS and leaving not in NAME_FIELDS:
        names.append("last_name")
    if kind is Kind.REVENUE and preset in CRM_PRESETS and leaving != "stage":
        names.append("stage")  # a CRM deals export without its stages is refused
    return [table[name][0] for name in names]


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("preset", PRESETS)
def test_every_listed_header_fills_its_field(kind: Kind, preset: Preset) -> None:
    checked = 0
    for field in kind_guide(kind):
        for header in (*field.headers, *field.crm_headers.get(preset, ())):
            # As a file shows it: capitalised, with a trailing colon.
            headers = [header.capitalize() + ":", *_needs(kind, preset, field.name)]
            mapped = map_columns(headers, kind, preset)
            assert mapped.problems == (), (kind, preset, header)
            assert mapped.columns.get(field.name) == 0, (kind, preset, header, mapped.columns)
            checked += 1
    assert checked >= len(kind_guide(kind))


@pytest.mark.parametrize("kind", list(Kind))
def test_the_stated_needs_are_the_checks(kind: Kind) -> None:
    guide = kind_guide(kind)
    assert {f.name for f in guide} <= set(KIND_FIELDS[kind])
    minimal = _needs(kind, Preset.GENERIC, leaving="")
    assert map_columns(minimal, kind, Preset.GENERIC).problems == ()
    for i in range(len(minimal)):  # without any one of them the file is refused on row 1
        fewer = minimal[:i] + minimal[i + 1 :]
        problems = map_columns(fewer, kind, Preset.GENERIC).problems
        assert problems, (kind, minimal[i])
        assert all(p.row == 1 and p.problem.code == "missing_column" for p in problems)


def test_crm_names_are_listed_only_where_they_differ() -> None:
    revenue = {f.name: f for f in kind_guide(Kind.REVENUE)}
    assert "дата закрытия" in revenue["date"].crm_headers[Preset.AMOCRM]
    assert revenue["date"].required
    assert revenue["amount"].required
    assert not revenue["client"].required
    for field in revenue.values():
        for headers in field.crm_headers.values():
            assert not set(headers) & set(field.headers)


def test_kam_import_help_lists_the_columns(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["import", "--help"])
    out = capsys.readouterr().out
    assert help_text() in out
    for kind in Kind:
        assert f"  {kind.value}: needs " in out
    assert '"дата закрытия"' in out
    assert '"имя, фамилия"' in out  # one Bitrix24 header with a comma, quoted as one


@pytest.mark.django_db
def test_the_import_page_shows_the_columns(org: Org) -> None:
    http = HttpClient()
    http.force_login(org.admin)
    page = http.get(reverse("imports:start")).content.decode()
    assert 'id="columns"' in page
    assert "Какие столбцы читает каждый вид" in page
    for kind in Kind:
        assert f'id="columns-{kind.value}"' in page
        for field in kind_guide(kind):
            for header in field.headers:
                assert f"<code>{header}</code>" in page
    assert "amoCRM: <code>дата закрытия</code>" in page
