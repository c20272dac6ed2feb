"""Recompute each deal's first logged meeting (`kam manage deals_meetings_refresh`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kam.deals.services import deal_meetings_refresh


class Command(BaseCommand):
    help = (
        "Check every deal's first meeting or visit logged during its life against the contact"
        " log and correct the wrong ones (after writing to the database around KAM)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        fixed = deal_meetings_refresh()
        self.stdout.write(f"deals meetings: {fixed} corrected")
