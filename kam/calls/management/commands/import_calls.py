"""`kam import calls PATH`: import call transcripts from a file or a folder, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.accounts.models import User
from kam.calls.services import calls_import, read_path


class Command(BaseCommand):
    help = "Import call transcripts (.txt with speaker labels, .json, .csv exports)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a transcript file or a folder of them")
        parser.add_argument("--manager", help="username for transcripts that name no manager")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"no such file or folder: {path}")
        manager = None
        if options.get("manager"):
            manager = User.objects.filter(username=options["manager"], is_active=True).first()
            if manager is None:
                raise CommandError(f"no active user named {options['manager']!r}")
        result = calls_import(
            actor=None,
            files=read_path(path),
            default_manager=manager,
            dry_run=bool(options.get("dry_run")),
        )
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.ok:
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        verb = " (dry run: nothing written)" if options.get("dry_run") else ""
        self.stdout.write(
            f"calls={result.calls} created={result.created} updated={result.updated} "
            f"unchanged={result.unchanged}{verb}"
        )
        for user in result.new_users:
            self.stdout.write(
                f"new user created (cannot log in until an admin sets a password): {user}"
            )
