"""`kam manage complaints_escalate`: hand cases with a step past its SLA to the supervisor
(run it from cron, e.g. hourly; Today shows late cases to supervisors even without it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kam.playbooks.services import cases_escalate


class Command(BaseCommand):
    help = "Escalate complaint cases whose current step is past its SLA."

    def handle(self, *args: Any, **options: Any) -> None:
        cases = cases_escalate()
        self.stdout.write(f"escalated {len(cases)}")
