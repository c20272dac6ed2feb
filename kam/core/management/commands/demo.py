"""`kam demo`: load the demo company (only into an empty database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.core.demo import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo company (users, ~300 clients, contacts, 3 years of revenue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=300, help="number of client companies")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and succeed) when the database already has data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["clients"]
        if not 10 <= count <= 100_000:
            raise CommandError("--clients must be between 10 and 100000")
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("Database already has data; demo not loaded.")
                return
            raise CommandError("The database is not empty; the demo loads only into an empty one.")
        counts = load_demo(clients=count, seed=options["seed"])
        self.stdout.write(
            self.style.SUCCESS(
                "Demo loaded: {users} users, {clients} clients, {contacts} contacts, "
                "{revenue} revenue records.".format(**counts)
            )
        )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.role}")
