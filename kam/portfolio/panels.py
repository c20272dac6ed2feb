"""The client card's panels of this app (key status, revenue) and its client-list columns
(revenue, share and class in the default window), registered in `apps.py`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, QuerySet, Value
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.utils.formats import number_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kam.clients.choices import ClientStatus
from kam.clients.models import Client
from kam.core.asides import ClientAside, register_client_aside
from kam.core.composition import (
    CardPanel,
    ClientColumn,
    register_card_panel,
    register_client_column,
)
from kam.core.models import company_settings
from kam.core.templatetags.kam_format import format_percent
from kam.portfolio.domain import KeyClass, revenue_share
from kam.portfolio.forms import RevenueForm
from kam.portfolio.selectors import (
    annotate_list_revenue,
    client_key_status,
    client_revenue_summary,
    key_client_ids,
    list_revenue_basis,
    revenue_for_client,
)


def _key_status(
    request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]
) -> dict[str, Any]:
    return {"key_status": client_key_status(viewer=request.user, client_id=client.pk)}


def _revenue(request: HttpRequest, client: Client, forms: Mapping[str, BaseForm]) -> dict[str, Any]:
    return {
        "revenue_form": forms.get("revenue_form") or RevenueForm(),
        "revenue": revenue_for_client(viewer=request.user, client_id=client.pk)[:20],
        "revenue_summary": client_revenue_summary(client=client),
    }


def _dossier_key_status(viewer: Any, client: Any, place: str) -> dict[str, Any] | None:
    """On the dossier: whether the client is a key account now, and why (its title does not
    claim it)."""
    if place != "dossier":
        return None
    try:
        status = client_key_status(viewer=viewer, client_id=client.pk)
    except Http404:
        # A dossier reader by the org chart who does not see the client's figures (a
        # supervisor without the supervisor role): the key mark only.
        status = None
    return {"key_status": status, "is_key": client.pk in key_client_ids()}


def _annotate(qs: QuerySet[Client], viewer: Any) -> QuerySet[Client]:
    if "company_kopecks" in qs.query.annotations:  # the three columns share one basis
        return qs
    basis = list_revenue_basis()
    qs = annotate_list_revenue(qs, basis)
    return qs.annotate(company_kopecks=_constant(basis.company_kopecks))


def _constant(value: int) -> Any:
    return Value(value, output_field=BigIntegerField())


def _money(row: Any) -> Decimal:
    return Decimal(row.window_kopecks).scaleb(-2)


def _share(row: Any) -> Decimal | None:
    if not row.window_kopecks or row.status != ClientStatus.ACTIVE:
        return None
    return revenue_share(Decimal(row.window_kopecks), Decimal(row.company_kopecks))


_RANKS = {3: KeyClass.MONO, 2: KeyClass.CRITICAL, 1: KeyClass.KEY}


def _class(row: Any) -> KeyClass:
    """The class `annotate_list_revenue` computed (the rule of `key_client_class`)."""
    return _RANKS.get(row.key_rank, KeyClass.NONE)


def _class_labels() -> dict[KeyClass, str]:
    return {
        KeyClass.MONO: _("mono-client"),
        KeyClass.CRITICAL: _("critical dependency"),
        KeyClass.KEY: _("key client"),
    }


def _class_cell(row: Any) -> str:
    cls = _class(row)
    badges = []
    if cls is not KeyClass.NONE:
        badges.append((cls.value, _class_labels()[cls]))
    if row.key_marked:
        badges.append(("", _("marked key")))
    if not badges:
        return "—"
    return format_html_join(" ", '<span class="badge {}">{}</span>', badges)


def _class_export(row: Any) -> str:
    parts = []
    cls = _class(row)
    if cls is not KeyClass.NONE:
        parts.append(_class_labels()[cls])
    if row.key_marked:
        parts.append(_("marked key"))
    return ", ".join(parts)


def _revenue_cell(row: Any) -> str:
    if not row.window_kopecks:
        return "—"
    return number_format(_money(row), decimal_pos=0, force_grouping=True)


class _RevenueLabel:
    """«Выручка, 12 мес.»: the window's length is a setting."""

    def __str__(self) -> str:
        months = company_settings().window_months
        return ngettext("Revenue, %(n)d month", "Revenue, %(n)d months", months) % {"n": months}


def register_columns() -> None:
    register_client_column(
        ClientColumn(
            key="revenue",
            order=10,
            label=_RevenueLabel(),
            cell=_revenue_cell,
            export=_money,
            annotate=_annotate,
            sort_field="window_kopecks",
            numeric=True,
        )
    )
    register_client_column(
        ClientColumn(
            key="share",
            order=20,
            label=gettext_lazy("Share"),
            export_label=gettext_lazy("Share, %"),
            cell=lambda row: format_percent(_share(row)),
            export=lambda row: None if (share := _share(row)) is None else round(share * 100, 1),
            annotate=_annotate,
            sort_field="window_kopecks",
            numeric=True,
        )
    )
    register_client_column(
        ClientColumn(
            key="class",
            order=30,
            label=gettext_lazy("Key class"),
            cell=_class_cell,
            export=_class_export,
            annotate=_annotate,
            sort_field="key_rank",
        )
    )


def register() -> None:
    register_columns()
    register_client_aside(
        ClientAside("key-status", 5, "portfolio/_dossier_key_status.html", _dossier_key_status)
    )
    register_card_panel(
        CardPanel("key-status", 10, "portfolio/_key_status_panel.html", _key_status)
    )
    register_card_panel(CardPanel("revenue", 50, "portfolio/_revenue_panel.html", _revenue))
