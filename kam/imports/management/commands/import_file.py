"""`kam import KIND FILE`: check a CRM export or spreadsheet and import it all, or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.accounts.models import User
from kam.imports.domain import Kind, Preset
from kam.imports.messages import reason
from kam.imports.services import Outcome, import_file


def read_stage_map(path: Path) -> dict[str, str]:
    """A `stage;step` file (`;`, `,` or tab; UTF-8 or Windows-1251) as folded name → step."""
    import csv

    from kam.deals.domain import parse_stage_map

    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")
    first = text.splitlines()[0] if text else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    mapping, problems = parse_stage_map(csv.reader(text.splitlines(), delimiter=delimiter))
    if problems:
        reasons = {
            "two_columns": "write two cells, the stage and the step",
            "unknown_step": "the step must be consultation, meeting, proposal, won or lost",
            "stage_twice": "this stage is already mapped to another step",
        }
        lines = "; ".join(f"line {p.line} ({p.text!r}): {reasons[p.code]}" for p in problems)
        raise CommandError(f"stage map {path}: {lines}")
    return {name: step.value for name, step in mapping.items()}


class Command(BaseCommand):
    help = "Import clients, contacts, revenue, interactions or NPS answers from CSV/XLSX/XLS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in Kind])
        parser.add_argument("file")
        parser.add_argument("--preset", choices=[p.value for p in Preset], default="auto")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--manager",
            help="username responsible for new clients when the file names nobody",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--stages", help="deals: stage map for this run, two columns stage;step"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        manager = None
        if options["manager"]:
            manager = User.objects.filter(username=options["manager"], is_active=True).first()
            if manager is None:
                raise CommandError(f"no active user named {options['manager']!r}")
        stages = read_stage_map(Path(options["stages"])) if options.get("stages") else None
        outcome = self._run(path, manager, {**options, "stage_map": stages})
        self._report(outcome, dry_run=options["dry_run"])
        if not outcome.ok:
            raise CommandError(f"{outcome.error_count} error(s); nothing was imported")

    def _run(self, path: Path, manager: User | None, options: dict[str, Any]) -> Outcome:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        kwargs: dict[str, Any] = {
            "actor": None,
            "kind": Kind(options["kind"]),
            "path": path,
            "preset": Preset(options["preset"]),
            "dry_run": options["dry_run"],
            "default_manager": manager,
            "stage_map": options.get("stage_map"),
        }
        if options["no_progress"]:
            return import_file(**kwargs)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f} rows"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, transient=True) as bar:
            check = bar.add_task("checking", total=None)
            write = bar.add_task("writing", total=None, visible=False)

            def progress(phase: str, done: int) -> None:
                if phase == "check":
                    bar.update(check, completed=done)
                else:
                    bar.update(write, completed=done, visible=True)

            return import_file(progress=progress, **kwargs)

    def _report(self, outcome: Outcome, *, dry_run: bool) -> None:
        info = outcome.info
        if info:
            self.stdout.write(
                f"file: {info.get('format')} encoding={info.get('encoding') or '-'} "
                f"delimiter={info.get('delimiter') or '-'} preset={info.get('preset')}"
            )
            mapping = ", ".join(f"{k}={v!r}" for k, v in info.get("mapping", {}).items())
            self.stdout.write(f"columns: {mapping}")
        for error in outcome.errors:
            params = dict(error.problem.params)
            where = f"row {error.row}" if error.row else "file"
            column = f", column {error.column!r}" if error.column else ""
            value = f", value {error.value!r}" if error.value else ""
            text = reason(error.problem.code, params)
            self.stderr.write(f"{where}{column}{value}: {text}")
        if outcome.error_count > len(outcome.errors):
            self.stderr.write(f"... and {outcome.error_count - len(outcome.errors)} more errors")
        if not outcome.ok:
            return
        s = outcome.summary
        verb = " would be" if dry_run else ""
        self.stdout.write(
            f"rows={s.rows} created={s.created} updated={s.updated} unchanged={s.unchanged}"
            f" skipped={s.skipped}"
            + "".join(f" {k}={v}" for k, v in s.extra.items())
            + (" (dry run: nothing written)" if dry_run else "")
        )
        if s.new_clients:
            self.stdout.write(f"new clients{verb} created: {len(s.new_clients)}")
        for user in s.new_users:
            self.stdout.write(
                f"new user{verb} created (cannot log in until an admin sets a password): {user}"
            )
