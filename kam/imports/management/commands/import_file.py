"""`kam import KIND FILE`: check a CRM export or spreadsheet and import it all, or nothing.

Exit codes: 0 imported (or checked with --dry-run), 1 errors (nothing written), 2 a warning
that needs a look although nothing is wrong in the file (e.g. a deals file with no won deal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kam.accounts.models import User
from kam.imports.domain import Kind, Preset
from kam.imports.messages import reason, warning
from kam.imports.presets import parse_stage_map
from kam.imports.services import Outcome, import_file, import_job_record


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
            "--allow-future", action="store_true", help="accept revenue dated after today"
        )
        parser.add_argument("--stages", help="CSV of deal stage names and steps (stage;step)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        manager = None
        if options["manager"]:
            manager = User.objects.filter(username=options["manager"], is_active=True).first()
            if manager is None:
                raise CommandError(f"no active user named {options['manager']!r}")
        stage_map: dict[str, str] = {}
        if options.get("stages"):
            stages = Path(options["stages"])
            if not stages.is_file():
                raise CommandError(f"no such file: {stages}")
            try:
                lines = stages.read_text(encoding="utf-8-sig").splitlines()
            except UnicodeDecodeError:
                lines = stages.read_text(encoding="cp1251").splitlines()
            stage_map, bad = parse_stage_map(lines)
            if bad:
                number, text = bad[0]
                raise CommandError(
                    f"{stages}: line {number} ({text!r}) is not “stage;step” with a step of "
                    "consultation, meeting, proposal, won, lost"
                )
        outcome = self._run(path, manager, stage_map, options)
        self._report(outcome, dry_run=options["dry_run"])
        if outcome.written:
            job = import_job_record(
                kind=Kind(options["kind"]),
                preset=Preset(options["preset"]),
                path=path,
                outcome=outcome,
            )
            self.stdout.write(f"import job {job.pk} (listed on the import page, undo there)")
        if not outcome.ok:
            raise CommandError(f"{outcome.error_count} error(s); nothing was imported")
        if "no_won" in outcome.summary.warnings:
            raise CommandError(warning("no_won"), returncode=2)

    def _run(
        self,
        path: Path,
        manager: User | None,
        stage_map: dict[str, str],
        options: dict[str, Any],
    ) -> Outcome:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        kwargs: dict[str, Any] = {
            "actor": None,
            "kind": Kind(options["kind"]),
            "path": path,
            "preset": Preset(options["preset"]),
            "dry_run": options["dry_run"],
            "default_manager": manager,
            "allow_future": bool(options.get("allow_future")),
            "stage_map": stage_map,
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
            self._header(info)
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
            f" skipped={s.skipped} deleted={s.deleted} not_data={s.not_data}"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        diff = s.diff
        if diff and (s.created or s.deleted or s.updated):
            self.stdout.write(
                f"period {diff['from']}…{diff['to']} (a file without ids replaces the rows of "
                f"its source in its period): +{s.created} −{s.deleted} ~{s.updated}"
            )
            for sign, key in (("+", "created"), ("-", "deleted")):
                rows = diff.get(key)
                if isinstance(rows, list):
                    for name, day, amount in rows[:10]:
                        self.stdout.write(f"  {sign} {day} {amount} {name}")
        if s.new_clients:
            self.stdout.write(f"new clients{verb} created: {len(s.new_clients)}")
        for user in s.new_users:
            self.stdout.write(
                f"new user{verb} created (cannot log in until an admin sets a password): {user}"
            )
        for code in s.warnings:
            self.stderr.write(f"warning: {warning(code)}")

    def _header(self, info: dict[str, Any]) -> None:
        """Where the header was found and which rows were not data (CLI summary)."""
        rows = info.get("header_rows", 1)
        where = f"header: row {info.get('header_row')}"
        if rows == 2:
            where += f" and {info.get('header_row', 0) + 1} (two-row header joined)"
        if info.get("sheet"):
            where += f", sheet {info['sheet']!r}"
            if (info.get("sheets") or 1) > 1:
                where += f" (the first of {info['sheets']} sheets)"
        title = info.get("title") or []
        if title:
            where += f"; title above it skipped: {' | '.join(title)[:200]!r}"
        self.stdout.write(where)
        skipped = info.get("not_data") or {}
        if any(skipped.get(k) for k in ("totals", "groups", "repeated_headers")):
            self.stdout.write(
                f"not data, skipped: totals={skipped.get('totals', 0)} "
                f"groups={skipped.get('groups', 0)} "
                f"repeated_headers={skipped.get('repeated_headers', 0)}"
            )
        for row in skipped.get("other_tables") or []:
            self.stdout.write(
                f"another table starts at row {row}: only the table under the header above was read"
            )
