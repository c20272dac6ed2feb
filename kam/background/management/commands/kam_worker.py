"""Run the background worker (what `kam worker` and `kam serve` start)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kam.background.worker import run_worker


class Command(BaseCommand):
    help = "Run queued background work: imports, e-mails, scheduled jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at the queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] > 0:
            handler = logging.StreamHandler(self.stdout)
            for name in ("django_tasks", "django_tasks_db", "kam.background"):
                logger = logging.getLogger(name)
                logger.setLevel(logging.INFO)
                logger.addHandler(handler)
                logger.propagate = False
        run_worker(batch=options["batch"], interval=options["interval"])
