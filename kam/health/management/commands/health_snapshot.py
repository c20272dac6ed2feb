"""Store the daily health snapshot (`kam manage health_snapshot [--date YYYY-MM-DD]`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kam.health.services import health_snapshot_write


class Command(BaseCommand):
    help = "Store every client's health score of a day (default today); re-running replaces it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day as YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options.get("date")
        try:
            day = date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {text!r} is not a date as YYYY-MM-DD") from exc
        n = health_snapshot_write(day=day)
        self.stdout.write(f"health snapshot {day.isoformat()}: {n} clients")
