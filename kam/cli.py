"""The `kam` command: run, serve and administer KAM from a shell.

Every subcommand is a thin wrapper over a Django management command, so `kam manage ...`
reaches anything else.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

DESCRIPTION = """\
KAM: key-account management for B2B sales teams.

Common tasks:
  kam migrate                 create or update the database tables
  kam demo                    fill an empty database with a demo company
  kam serve                   start the web server (http://127.0.0.1:8000 by default)
                              and the background worker beside it
  kam worker                  run background work alone (imports, e-mails, schedules)
  kam createuser NAME --role R   add a user with a role (--password to let them log in)
  kam token NAME              print a NEW API token of a user (the old one stops working)
  kam report portfolio        portfolio report (--from, --to, --format table|json|xlsx)
  kam import KIND FILE        import clients, contacts, revenue, interactions, nps or deals
                              from CSV/XLSX/Bitrix24 .xls: all rows or nothing (--dry-run,
                              --preset auto|generic|amocrm|bitrix24; deals: --stages MAP.csv)
  kam report funnel           deals funnel per manager with 95% intervals (--from, --to)
  kam report cadence          contact discipline: overdue, pauses, reviews, dates (--as USER)
  kam report relations        stage, emotional bank balance and alerts per client (--as USER)
  kam report health           account health 0–100, components, alerts (--to, --as, --format)
  kam report contrast         contrast analysis candidates with evidence (--to, --as, --format)
  kam report nps              NPS with 95% intervals (--from, --to, --by manager|segment|month|…)
  kam import calls PATH       call transcripts (a file or a folder of .txt/.json/.csv)
  kam report calls            questions by type per call and per manager week by week
  kam backup FILE             copy the whole database into one file (online)
  kam restore FILE            replace the whole database with a backup (--yes)
  kam manage COMMAND ...      run any Django management command

Settings come from environment variables: KAM_DATABASE_URL, KAM_SECRET_KEY, KAM_DEBUG,
KAM_ALLOWED_HOSTS, KAM_HTTPS, KAM_EMAIL_* (see README.md). Without KAM_SECRET_KEY the key
`make run` wrote into var/secret_key is used.
"""

ROLES = ("manager", "supervisor", "director", "admin")


def _setup() -> str | None:
    """Load the settings; a configuration problem comes back as one line naming the fix."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:  # kam/settings.py names the variable and the fix
        return " ".join(str(exc).split())
    return None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kam", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("migrate", help="create or update the database tables")

    serve = sub.add_parser("serve", help="start the web server (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--workers", type=int, default=2, help="number of worker processes")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background worker here (run 'kam worker' elsewhere)",
    )

    worker = sub.add_parser("worker", help="run background work (imports, e-mails, schedules)")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then stop")

    demo = sub.add_parser("demo", help="load the demo company into an empty database")
    demo.add_argument("--clients", type=int, default=300, help="number of client companies")
    demo.add_argument("--seed", type=int, default=2026, help="random seed")
    demo.add_argument("--if-empty", action="store_true", help="skip quietly if data exists")

    user = sub.add_parser("createuser", help="add a user")
    user.add_argument("username")
    user.add_argument("--password", help="password (without it the user cannot log in yet)")
    user.add_argument("--first-name", default="")
    user.add_argument("--last-name", default="")
    user.add_argument("--email", default="")
    user.add_argument(
        "--role",
        action="append",
        choices=ROLES,
        default=[],
        help="role to give (repeat for several; at least one, unless --superuser)",
    )
    user.add_argument("--supervisor", help="username of the direct supervisor")
    user.add_argument("--superuser", action="store_true", help="also a Django superuser")

    token = sub.add_parser(
        "token", help="print a new API token of a user (replaces the old one; stored hashed)"
    )
    token.add_argument("username")

    report = sub.add_parser("report", help="print or save a report")
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    portfolio = reports.add_parser("portfolio", help="portfolio: shares, classes, HHI, load")
    portfolio.add_argument("--from", dest="date_from", type=_date, help="YYYY-MM-DD (inclusive)")
    portfolio.add_argument("--to", dest="date_to", type=_date, help="YYYY-MM-DD (inclusive)")
    portfolio.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    portfolio.add_argument("--out", help="file to write (required for xlsx)")
    cadence = reports.add_parser(
        "cadence", help="contact discipline: overdue contacts, pauses, reviews, dates"
    )
    cadence.add_argument("--as", dest="as_user", help="only what this user may see")
    cadence.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    cadence.add_argument("--out", help="file to write (required for xlsx)")
    nps = reports.add_parser("nps", help="NPS with intervals and groups (company scope)")
    nps.add_argument("--from", dest="date_from", type=_date, help="YYYY-MM-DD (inclusive)")
    nps.add_argument("--to", dest="date_to", type=_date, help="YYYY-MM-DD (inclusive)")
    nps.add_argument(
        "--by", choices=("manager", "segment", "month", "stage", "campaign"), default="manager"
    )
    nps.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    nps.add_argument("--out", help="file to write (required for xlsx)")
    relations = reports.add_parser(
        "relations", help="relationships: stage, emotional bank balance and alerts per client"
    )
    relations.add_argument("--as", dest="as_user", help="only what this user may see")
    relations.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    relations.add_argument("--out", help="file to write (required for xlsx)")
    for name, text in (
        ("health", "account health 0–100 with components and alerts per client"),
        ("contrast", "contrast analysis candidates: satisfied and dissatisfied, with evidence"),
    ):
        parser_ = reports.add_parser(name, help=text)
        parser_.add_argument("--to", dest="date_to", type=_date, help="as of YYYY-MM-DD")
        parser_.add_argument("--as", dest="as_user", help="only what this user may see")
        parser_.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
        parser_.add_argument("--out", help="file to write (required for xlsx)")

    fit = reports.add_parser("fit", help="fit of every scored client against the ideal profile")
    fit.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    fit.add_argument("--out", help="file to write (required for xlsx)")
    fun = reports.add_parser("funnel", help="deals funnel per manager with 95% intervals")
    fun.add_argument("--from", dest="date_from", type=_date, help="YYYY-MM-DD (inclusive)")
    fun.add_argument("--to", dest="date_to", type=_date, help="YYYY-MM-DD (inclusive)")
    fun.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    fun.add_argument("--out", help="file to write (required for xlsx)")
    calls = reports.add_parser(
        "calls", help="calls: questions by type, price, meeting, score; managers week by week"
    )
    calls.add_argument("--from", dest="date_from", type=_date, help="YYYY-MM-DD (inclusive)")
    calls.add_argument("--to", dest="date_to", type=_date, help="YYYY-MM-DD (inclusive)")
    calls.add_argument("--as", dest="as_user", help="only what this user may see")
    calls.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    calls.add_argument("--out", help="file to write (required for xlsx)")

    from kam.imports.columns import help_text as import_columns  # pure: no Django needed

    imp = sub.add_parser(
        "import",
        help="import a CRM export or spreadsheet (all or nothing)",
        epilog=import_columns(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument(
        "kind",
        choices=("clients", "contacts", "revenue", "interactions", "nps", "deals", "calls", "fit"),
    )
    imp.add_argument(
        "file",
        help="CSV (UTF-8, UTF-16, cp1251), XLSX, or Bitrix24 .xls; for calls a transcript "
        "file or a folder of them",
    )
    imp.add_argument("--preset", choices=("auto", "generic", "amocrm", "bitrix24"), default="auto")
    imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imp.add_argument("--manager", help="username responsible for new clients the file gives none")
    imp.add_argument("--no-progress", action="store_true", help="no progress bar")
    imp.add_argument("--allow-future", action="store_true", help="accept revenue dated after today")
    imp.add_argument(
        "--stages", metavar="MAP.csv", help="deal stage names → steps, lines of “stage;step”"
    )

    bak = sub.add_parser("backup", help="copy the whole database into one file")
    bak.add_argument("file", help="where to write (SQLite database, or pg_dump custom format)")
    res = sub.add_parser("restore", help="replace the whole database with a backup file")
    res.add_argument("file", help="a file written by 'kam backup' on the same engine")
    res.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    manage = sub.add_parser("manage", help="run any Django management command")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def _demo(args: argparse.Namespace) -> int:
    from kam.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
    from kam.demo import database_is_empty, load_demo

    if not 10 <= args.clients <= 100_000:
        print("kam demo: --clients must be between 10 and 100000", file=sys.stderr)
        return 1
    if not database_is_empty():
        if args.if_empty:
            print("Database already has data; demo not loaded.")
            return 0
        print(
            "kam demo: the database is not empty; the demo loads only into an empty one.",
            file=sys.stderr,
        )
        return 1
    counts = load_demo(clients=args.clients, seed=args.seed)
    print(
        "Demo loaded: {users} users, {clients} clients, {contacts} contacts, "
        "{revenue} revenue records.".format(**counts)
    )
    print(f"Demo logins (password: {DEMO_PASSWORD}):")
    for login in DEMO_LOGINS:
        print(f"  {login.username:<10} {login.role}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kam.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
    from kam.accounts.models import User

    if not 1 <= args.port <= 65535:
        print("kam serve: --port must be between 1 and 65535", file=sys.stderr)
        return 2
    if not 1 <= args.workers <= 64:
        print("kam serve: --workers must be between 1 and 64", file=sys.stderr)
        return 2
    from django.conf import settings

    from kam.core.staticfiles import collect_static_if_changed

    collect_static_if_changed()
    print(f"KAM is starting on http://{args.host}:{args.port}/")
    if settings.SECURE_SSL_REDIRECT and not settings.SECURE_PROXY_SSL_HEADER:
        print(
            "Note: KAM_HTTPS is on, so browsers are sent to https:// which this server does not "
            "speak; put it behind a TLS proxy (KAM_BEHIND_PROXY=true) or, for a local demo, "
            "set KAM_HTTPS=false as `make run` does."
        )
    if User.objects.filter(username="manager1").exists():
        print(f"Demo logins (password {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            print(f"  {login.username:<10} {login.role}")
    sys.stdout.flush()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "kam.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    from kam.background.supervise import serve

    return serve(argv, worker=not args.no_worker)


def _backup_or_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kam.core.backup import BackupError, backup, restore

    try:
        if args.command == "backup":
            kind = backup(Path(args.file))
            print(f"Backed up the {kind} database to {args.file}.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print("kam restore: this replaces all data; add --yes to go on", file=sys.stderr)
                return 2
            answer = input("This replaces ALL data in the database with the backup. Type yes: ")
            if answer.strip().lower() != "yes":
                print("Nothing was changed.")
                return 1
        done = restore(Path(args.file))
    except BackupError as exc:
        print(f"kam {args.command}: {exc}", file=sys.stderr)
        return 1
    print(f"Restored the {done.engine} database from {args.file}.")
    if done.previous:
        print(f"The data it replaced is kept in {done.previous}.")
    if done.unapplied:
        print("The backup is from an older KAM: run 'kam migrate' now.")
    return 0


def _createuser(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from kam.accounts.models import User
    from kam.accounts.services import user_create

    if not args.role and not args.superuser:
        print(
            "kam createuser: give a role with --role manager|supervisor|director|admin "
            "(repeat for several); a user without a role could log in and see nothing.",
            file=sys.stderr,
        )
        return 2
    supervisor = None
    if args.supervisor:
        supervisor = User.objects.filter(username=args.supervisor).first()
        if supervisor is None:
            print(f"kam createuser: no user named {args.supervisor!r}", file=sys.stderr)
            return 1
    try:
        user = user_create(
            actor=None,
            username=args.username,
            password=args.password,
            first_name=args.first_name,
            last_name=args.last_name,
            email=args.email,
            supervisor=supervisor,
            is_superuser=args.superuser,
            **{f"is_{role}": True for role in args.role},
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            print(f"kam createuser: {field}: {' '.join(errors)}", file=sys.stderr)
        return 1
    if args.superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    print(f"Created user {user.username}.")
    return 0


def _token(args: argparse.Namespace) -> int:
    from kam.accounts.models import User
    from kam.accounts.services import token_for

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"kam token: no user named {args.username!r}", file=sys.stderr)
        return 1
    if not user.is_active:
        print(f"kam token: user {args.username!r} is blocked", file=sys.stderr)
        return 1
    print(token_for(user=user))
    print(
        "This token is shown once and stored only as a fingerprint; the previous one no longer "
        "works. A user can also make a new one on their profile page.",
        file=sys.stderr,
    )
    return 0


def _output(
    args: argparse.Namespace,
    data: dict[str, Any],
    write_xlsx: Callable[[dict[str, Any], str], None],
    print_table: Callable[[dict[str, Any]], None],
) -> int:
    """Print or save a report's data in the chosen format."""
    import json

    if args.format == "xlsx":
        if not args.out:
            print("kam report: --format xlsx needs --out FILE", file=sys.stderr)
            return 2
        write_xlsx(data, args.out)
        print(f"Written {args.out}")
    elif args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            print(text)
    else:
        print_table(data)
    return 0


def _report_viewer(args: argparse.Namespace) -> tuple[Any, bool]:
    """The user of `--as` (or None for company scope) and whether it was found."""
    from kam.accounts.models import User

    if not args.as_user:
        return None, True
    viewer = User.objects.filter(username=args.as_user, is_active=True).first()
    if viewer is None:
        print(f"kam report: no active user named {args.as_user!r}", file=sys.stderr)
    return viewer, viewer is not None


def _report_cadence(args: argparse.Namespace) -> int:
    from kam.relations.reporting import cadence_as_dict, print_table, write_xlsx
    from kam.relations.selectors import today_page
    from kam.reports import company_viewer

    viewer, found = _report_viewer(args)
    if not found:
        return 1
    page = today_page(viewer=viewer or company_viewer(), team=True)
    return _output(args, cadence_as_dict(page, viewer=viewer), write_xlsx, print_table)


def _report_relations(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from kam.accounts.access import visible_clients
    from kam.relations.reporting import (
        print_relations_table,
        relations_as_dict,
        write_relations_xlsx,
    )
    from kam.relations.selectors import relation_rows
    from kam.reports import company_viewer

    viewer, found = _report_viewer(args)
    if not found:
        return 1
    rows = relation_rows(visible_clients(viewer or company_viewer(), include_archived=False))
    today = timezone.localdate().isoformat()
    data = relations_as_dict(rows, viewer=viewer, today=today)
    return _output(args, data, write_relations_xlsx, print_relations_table)


def _report_nps(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from kam.reports import company_viewer
    from kam.surveys.domain import report_window
    from kam.surveys.selectors import nps_report, print_table, report_as_dict, write_xlsx

    if args.date_from and args.date_to and args.date_from > args.date_to:
        print("kam report: --from is after --to", file=sys.stderr)
        return 2
    start, end = report_window(args.date_from, args.date_to, today=timezone.localdate())
    report = nps_report(viewer=company_viewer(), start=start, end=end, by=args.by)
    return _output(args, report_as_dict(report), write_xlsx, print_table)


def _report_fit(args: argparse.Namespace) -> int:
    from kam.profiles.reporting import fit_as_dict, print_table, write_xlsx
    from kam.reports import company_viewer

    return _output(args, fit_as_dict(viewer=company_viewer()), write_xlsx, print_table)


def _import_fit(args: argparse.Namespace) -> int:
    """`kam import fit FILE`: a workshop's score sheet (see kam/profiles/importer.py)."""
    from pathlib import Path

    from kam.profiles.importer import FitFileError, import_fit

    path = Path(args.file)
    if not path.is_file():
        print(f"kam import: no such file: {path}", file=sys.stderr)
        return 1
    try:
        result = import_fit(path, actor=None, dry_run=args.dry_run)
    except FitFileError as exc:
        print(f"kam import: {exc}", file=sys.stderr)
        return 1
    for error in result.errors:
        print(str(error), file=sys.stderr)
    if not result.ok:
        print(f"kam import: {len(result.errors)} error(s); nothing was imported", file=sys.stderr)
        return 1
    verb = "would change" if args.dry_run else "changed"
    print(f"{result.clients} clients, {verb} {result.scores_changed} scores")
    if result.new_traits:
        print("new traits in the profile: " + "; ".join(result.new_traits))
    return 0


def _report_funnel(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from django.utils import timezone

    from kam.deals.reporting import print_table, write_xlsx
    from kam.deals.selectors import funnel, funnel_as_dict
    from kam.reports import company_viewer

    end = args.date_to or timezone.localdate()
    start = args.date_from or end - timedelta(days=364)
    if start > end:
        print("kam report: --from is after --to", file=sys.stderr)
        return 2
    data = funnel_as_dict(funnel(viewer=company_viewer(), date_from=start, date_to=end))
    return _output(args, data, write_xlsx, print_table)


def _report_calls(args: argparse.Namespace) -> int:
    from kam.calls.reporting import print_table, write_xlsx
    from kam.calls.selectors import calls_report, default_window
    from kam.reports import company_viewer

    viewer, found = _report_viewer(args)
    if not found:
        return 1
    start, end = default_window(args.date_to)
    start = args.date_from or start
    if start > end:
        print("kam report: --from is after --to", file=sys.stderr)
        return 2
    data = calls_report(viewer=viewer or company_viewer(), start=start, end=end)
    return _output(args, data, write_xlsx, print_table)


def _report_health(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from kam.health import reporting
    from kam.health.selectors import contrast_candidates, health_as_dict, health_list
    from kam.reports import company_viewer

    viewer, found = _report_viewer(args)
    if not found:
        return 2
    viewer = viewer or company_viewer()
    as_of = args.date_to or timezone.localdate()
    if args.report == "health":
        data = health_as_dict(health_list(viewer=viewer, as_of=as_of, compare=False), as_of)
        return _output(args, data, reporting.health_xlsx, reporting.health_table)
    data = contrast_candidates(viewer=viewer, as_of=as_of)
    return _output(args, data, reporting.contrast_xlsx, reporting.contrast_table)


def _report(args: argparse.Namespace) -> int:
    if args.report == "fit":
        return _report_fit(args)
    if args.report == "funnel":
        return _report_funnel(args)
    if args.report in ("health", "contrast"):
        return _report_health(args)
    if args.report == "calls":
        return _report_calls(args)
    if args.report == "cadence":
        return _report_cadence(args)
    if args.report == "relations":
        return _report_relations(args)
    if args.report == "nps":
        return _report_nps(args)
    from kam.portfolio.domain import Window
    from kam.portfolio.reporting import print_table, report_as_dict, write_xlsx
    from kam.portfolio.selectors import default_window, portfolio_report
    from kam.reports import company_viewer

    window = default_window()
    try:
        window = Window(start=args.date_from or window.start, end=args.date_to or window.end)
    except ValueError:
        print("kam report: --from is after --to", file=sys.stderr)
        return 2
    data = report_as_dict(portfolio_report(viewer=company_viewer(), window=window))
    return _output(args, data, write_xlsx, print_table)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kam` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    problem = _setup()
    if problem is not None:
        print(f"kam: configuration error: {problem}", file=sys.stderr)
        return 2
    from django.core.management import call_command, execute_from_command_line
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    try:
        if args.command == "migrate":
            call_command("migrate", interactive=False)
            # Migration core 0004 makes the cache table; this only repairs a dropped one, quietly
            # (it used to print "Cache table … already exists." on every run).
            call_command("createcachetable", verbosity=0)
        elif args.command == "demo":
            return _demo(args)
        elif args.command == "serve":
            return _serve(args)
        elif args.command in ("backup", "restore"):
            return _backup_or_restore(args)
        elif args.command == "worker":
            call_command("kam_worker", batch=args.batch)
        elif args.command == "createuser":
            return _createuser(args)
        elif args.command == "token":
            return _token(args)
        elif args.command == "report":
            return _report(args)
        elif args.command == "import" and args.kind == "fit":
            return _import_fit(args)
        elif args.command == "import" and args.kind == "calls":
            call_command("import_calls", args.file, manager=args.manager, dry_run=args.dry_run)
        elif args.command == "import":
            options = {
                "preset": args.preset,
                "dry_run": args.dry_run,
                "manager": args.manager,
                "allow_future": args.allow_future,
                "stages": args.stages,
            }
            call_command(
                "import_file", args.kind, args.file, no_progress=args.no_progress, **options
            )
        elif args.command == "manage":
            execute_from_command_line(["kam manage", *args.args])
    except CommandError as exc:
        print(f"kam {args.command}: {exc}", file=sys.stderr)
        return exc.returncode or 1
    except DatabaseError as exc:
        print(
            f"kam {args.command}: database error: {exc} (did you run 'kam migrate'?)",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # e.g. the SMTP server of KAM_EMAIL_HOST refuses the connection
        print(f"kam {args.command}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
