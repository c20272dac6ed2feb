"""Registry of the pieces other apps contribute to composed pages: client-card panels, Today
sections, portfolio sections and client-list columns.

Each app registers its own pieces in `AppConfig.ready()`; the page that shows them (the client
card in `clients`, Today in `relations`) walks the registry in `order` and knows no other app.
This module imports no domain app: the pieces bring their own template, context and access
check.

A panel or section is either rendered inline (its `template` with the page's base context plus
what its `context` function returns) or, with `lazy=True`, as a placeholder that htmx fills
from its own fragment URL (`clients:card-panel` for a panel, `today-section` for a Today
section), which checks access like any route. A slow, secondary piece is made lazy so the page
itself answers at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

Context = dict[str, Any]
# (request, client, bound forms by name) → template context of the panel
PanelContext = Callable[[HttpRequest, Any, Mapping[str, BaseForm]], Context]
# (viewer, client) → may the viewer see this panel? (the card itself already checked visibility)
PanelAccess = Callable[[Any, Any], bool]
# (request, base context of the page) → template context of the section
SectionContext = Callable[[HttpRequest, Mapping[str, Any]], Context]
# (viewer) → may the viewer see this section?
SectionAccess = Callable[[Any], bool]


def _always(*_: Any) -> bool:
    return True


def _nothing(*_: Any) -> Context:
    return {}


@dataclass(frozen=True)
class CardPanel:
    """A panel of the client card. `template` is rendered with the card's base context
    (`client`, `can_read_dossier`, `request`…) plus `context(request, client, forms)`; `forms`
    holds bound forms a failed POST hands back (e.g. `revenue_form`)."""

    key: str
    order: int
    template: str
    context: PanelContext = _nothing
    allowed: PanelAccess = _always
    lazy: bool = False  # rendered by the fragment URL after the card loads


@dataclass(frozen=True)
class TodaySection:
    """A section of the Today page, rendered with the page's base context (`team`, `today`,
    `today_url`, …) plus `context(request, base)`.

    A lazy section is rendered by its fragment URL after the page loads; its base context is
    the light one (`team`, `today`, `today_url`, `can_team`, `now`) without the page's `page`
    (the relations TodayPage), so its `context` must not read `base["page"]`."""

    key: str
    order: int
    template: str
    context: SectionContext = _nothing
    allowed: SectionAccess = _always
    lazy: bool = False  # rendered by the fragment URL after the page loads


_panels: dict[str, CardPanel] = {}
_sections: dict[str, TodaySection] = {}
_portfolio_sections: dict[str, TodaySection] = {}


def register_card_panel(panel: CardPanel) -> None:
    """Add (or replace, by key) a client-card panel. Call from your `AppConfig.ready()`."""
    _panels[panel.key] = panel


def register_today_section(section: TodaySection) -> None:
    """Add (or replace, by key) a Today section. Call from your `AppConfig.ready()`."""
    _sections[section.key] = section


def register_portfolio_section(section: TodaySection) -> None:
    """Add (or replace, by key) a section of the portfolio page (the same shape as a Today
    section; its base context holds the page's `report`). Call from `AppConfig.ready()`."""
    _portfolio_sections[section.key] = section


def card_panels() -> list[CardPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def card_panel(key: str) -> CardPanel | None:
    return _panels.get(key)


def today_sections() -> list[TodaySection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def today_section(key: str) -> TodaySection | None:
    return _sections.get(key)


@dataclass(frozen=True)
class Rendered:
    key: str
    html: SafeString
    lazy: bool = False


def render_panel(
    panel: CardPanel,
    request: HttpRequest,
    client: Any,
    base: Mapping[str, Any],
    forms: Mapping[str, BaseForm],
) -> SafeString:
    context = {**base, **panel.context(request, client, forms)}
    return mark_safe(render_to_string(panel.template, context, request=request))  # noqa: S308


def render_card_panels(
    request: HttpRequest,
    client: Any,
    base: Mapping[str, Any],
    forms: Mapping[str, BaseForm],
    panels: Iterable[CardPanel] | None = None,
) -> list[Rendered]:
    """The panels the viewer may see, in order: rendered, or empty placeholders for lazy ones
    (the card template gives those an `hx-get` to their fragment URL)."""
    out = []
    for panel in card_panels() if panels is None else panels:
        if not panel.allowed(request.user, client):
            continue
        if panel.lazy:
            out.append(Rendered(panel.key, SafeString(""), lazy=True))
        else:
            out.append(Rendered(panel.key, render_panel(panel, request, client, base, forms)))
    return out


# (visible clients queryset, viewer) → the queryset with the column's sort value annotated
ColumnAnnotate = Callable[[Any, Any], Any]
# (the rows of the page or the export, viewer) → None; sets what SQL cannot annotate
ColumnPrepare = Callable[[list[Any], Any], None]
# (client ids, viewer) → the sort value of each client (None: none), for a value SQL cannot sort
ColumnSortValues = Callable[[list[int], Any], Mapping[int, Any]]


def _no_prepare(rows: list[Any], viewer: Any) -> None:
    return None


@dataclass(frozen=True)
class ClientColumn:
    """A column an app adds to the client list (`clients:client-list`) and its download.

    `annotate` adds the annotation named `sort_field` in SQL, so the list sorts and pages in
    the database (`?sort=<key>` / `?sort=-<key>`, empty values last); `cell(row)` is the
    escaped HTML of the cell and `export(row)` the spreadsheet value (a number stays a number).
    `prepare` fills values SQL cannot compute, for the rows shown only; such a column has no
    `sort_field`, and sorts only with `sort_values`, which scores every matching client (the
    list then sorts their ids in Python, clients without a value last).
    """

    key: str
    order: int
    label: Any  # a lazy string
    cell: Callable[[Any], str]
    export: Callable[[Any], Any]
    annotate: ColumnAnnotate | None = None
    sort_field: str = ""  # "" = not sortable
    numeric: bool = False
    prepare: ColumnPrepare = _no_prepare
    allowed: SectionAccess = _always
    export_label: Any = None  # the download's header when it differs ("Share, %")
    sort_values: ColumnSortValues | None = None

    @property
    def sortable(self) -> bool:
        return bool(self.sort_field) or self.sort_values is not None


_columns: dict[str, ClientColumn] = {}


def register_client_column(column: ClientColumn) -> None:
    """Add (or replace, by key) a client-list column. Call from your `AppConfig.ready()`."""
    _columns[column.key] = column


def client_columns(viewer: Any) -> list[ClientColumn]:
    """The registered client-list columns the viewer may see, in order."""
    return [
        c for c in sorted(_columns.values(), key=lambda c: (c.order, c.key)) if c.allowed(viewer)
    ]


def portfolio_sections() -> list[TodaySection]:
    return sorted(_portfolio_sections.values(), key=lambda s: (s.order, s.key))


def render_portfolio_sections(request: HttpRequest, base: Mapping[str, Any]) -> list[Rendered]:
    return render_today_sections(request, base, portfolio_sections())


def render_section(
    section: TodaySection, request: HttpRequest, base: Mapping[str, Any]
) -> SafeString:
    context = {**base, **section.context(request, base)}
    return mark_safe(render_to_string(section.template, context, request=request))  # noqa: S308


def render_today_sections(
    request: HttpRequest,
    base: Mapping[str, Any],
    sections: Iterable[TodaySection] | None = None,
) -> list[Rendered]:
    """The sections the viewer may see, in order: rendered, or empty placeholders for lazy ones
    (the Today template gives those an `hx-get` to their fragment URL)."""
    out = []
    for section in today_sections() if sections is None else sections:
        if not section.allowed(request.user):
            continue
        if section.lazy:
            out.append(Rendered(section.key, SafeString(""), lazy=True))
        else:
            out.append(Rendered(section.key, render_section(section, request, base)))
    return out
