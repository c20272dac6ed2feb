"""The one-time files of personal links: built with the links page, never stored."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kam.core.exporting import csv_bytes
from kam.surveys.models import Campaign


@dataclass(frozen=True, slots=True)
class IssuedRow:
    client: str
    contact: str
    phone: str
    email: str
    url: str
    expires: datetime | None


def links_csv_href(links: list[IssuedRow]) -> str:
    """The links as a CSV inside the page itself (a data: address): the file is built with
    the page and never stored, so it exists only as long as the links on screen do."""
    headers = [
        _("Client"),
        _("Contact"),
        _("Phone"),
        _("E-mail"),
        _("E-mailed"),
        _("Personal link"),
        _("Valid until"),
    ]
    rows = [
        [
            row.client,
            row.contact,
            row.phone,
            row.email,
            _("yes") if row.email else _("no"),
            row.url,
            timezone.localtime(row.expires).date() if row.expires else None,
        ]
        for row in links
    ]
    return csv_href(headers, rows)


def csv_href(headers: list[str], rows: list[list[Any]]) -> str:
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(
        csv_bytes(headers, rows)
    ).decode("ascii")


def links_csv_name(campaign: Campaign) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    return f"survey-links-{campaign.pk}-{stamp}.csv"
