"""The `kam` command: help, demo, createuser and token, with clear errors."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from kam.accounts.models import ApiToken, User
from kam.cli import main
from kam.clients.models import Client
from kam.core.console import ReportConsole
from kam.portfolio.models import RevenueRecord


def test_help_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "kam serve" in out
    assert "KAM_DATABASE_URL" in out


def test_unknown_command_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["fly"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_is_deterministic_and_has_the_promised_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--clients", "40", "--seed", "7"]) == 0
    assert "manager1" in capsys.readouterr().out
    assert Client.objects.count() == 40
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        "director",
        "head1",
        "head2",
        *(f"manager{i}" for i in range(1, 7)),
    }
    assert User.objects.get(username="manager4").supervisor.username == "head2"  # type: ignore[union-attr]
    first = list(Client.objects.order_by("id").values_list("name", "inn"))
    # A second load into a non-empty database is refused, unless --if-empty is given.
    assert main(["demo"]) == 1
    assert main(["demo", "--if-empty"]) == 0
    assert Client.objects.count() == 40
    assert first[0][1] is not None
    assert RevenueRecord.objects.exists()


@pytest.mark.django_db
def test_createuser_and_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["createuser", "boss", "--role", "supervisor", "--password", "Strong-pass-42"]) == 0
    assert main(["createuser", "anna", "--role", "manager", "--supervisor", "boss"]) == 0
    anna = User.objects.get(username="anna")
    assert anna.supervisor is not None
    assert anna.supervisor.username == "boss"
    assert not anna.has_usable_password()
    capsys.readouterr()
    assert main(["token", "anna"]) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 40
    # The key is kept only as a digest: asking again rotates it, and the old one stops working.
    assert main(["token", "anna"]) == 0
    new = capsys.readouterr().out.strip()
    assert new != token
    api = HttpClient(headers={"Authorization": f"Token {token}"})
    assert api.get("/api/v1/clients/").status_code == 401
    api = HttpClient(headers={"Authorization": f"Token {new}"})
    assert api.get("/api/v1/clients/").status_code == 200
    assert token not in str(list(ApiToken.objects.values_list()))
    assert main(["token", "ghost"]) == 1
    assert "no user named 'ghost'" in capsys.readouterr().err
    assert main(["createuser", "anna", "--role", "manager"]) == 1
    assert main(["createuser", "x", "--role", "manager", "--supervisor", "nobody"]) == 1


@pytest.mark.django_db
def test_createuser_refuses_no_role_and_weak_passwords(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["createuser", "norole", "--password", "Strong-pass-42"]) == 2
    assert "--role" in capsys.readouterr().err
    for weak in ("password", "qwerty123", "12345678"):
        assert main(["createuser", "weak", "--role", "manager", "--password", weak]) == 1
        assert "password" in capsys.readouterr().err
    assert not User.objects.filter(username__in=["norole", "weak"]).exists()
    assert main(["createuser", "root", "--superuser", "--password", "Strong-pass-42"]) == 0


def test_bad_numbers_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--port", "abc"])
    assert "invalid int value" in capsys.readouterr().err


@pytest.mark.django_db
def test_piped_report_keeps_every_column_whole(capsys: pytest.CaptureFixture[str]) -> None:
    """`kam report portfolio > file`: nothing cut at 80 columns, one tab-separated row a client."""
    assert main(["demo", "--clients", "40", "--seed", "3"]) == 0
    capsys.readouterr()
    assert main(["report", "portfolio"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    lines = out.splitlines()
    assert lines[0].startswith("Window ")
    assert "top-5 " in lines[0]  # the summary line stays one line, however long
    assert len(lines[0]) > 80
    header = lines.index("#\tclient\tINN\tmanager\trevenue\tshare\tclass\tABC")
    rows = [line.split("\t") for line in lines[header + 1 : lines.index("", header)]]
    assert rows
    assert all(len(row) == 8 for row in rows)
    # Every printed INN and revenue agrees in full with the database (summed here in Python).
    start, end = (date.fromisoformat(d) for d in lines[0].split(":")[0].split()[1::2])
    totals: dict[int, Decimal] = {}
    for record in RevenueRecord.objects.filter(date__range=(start, end)):
        totals[record.client_id] = totals.get(record.client_id, Decimal(0)) + record.amount
    clients = {c.name: c for c in Client.objects.all()}
    for _number, name, inn, _manager, revenue, share, _cls, _abc in rows:
        client = clients[name]
        assert inn == (client.inn or "")
        assert Decimal(revenue.replace(",", "")) == totals[client.id]
        assert share.endswith("%")
    assert [int(row[0]) for row in rows] == list(range(1, len(rows) + 1))
    assert any(len(line) > 80 for line in lines)


def test_plain_tables_keep_cells_on_their_line() -> None:
    buffer = io.StringIO()
    out = ReportConsole(file=buffer)
    assert not out.terminal
    out.table(("a", "b"), [("one\ttwo", "three\nfour"), ("[bold]x[/]", "y" * 200)], title="T")
    assert buffer.getvalue().splitlines() == [
        "# T",
        "a\tb",
        "one two\tthree four",
        "[bold]x[/]\t" + "y" * 200,
        "",
    ]


def test_terminal_tables_are_boxed_and_names_are_not_markup() -> None:
    buffer = io.StringIO()
    out = ReportConsole(file=buffer, terminal=True)
    assert out.terminal
    out.table(("client", "INN"), [("[bold]Рога[/bold]", "7707083893")], title="T")
    text = buffer.getvalue()
    assert "┃" in text or "│" in text
    assert "[bold]Рога[/bold]" in text  # shown as typed, not swallowed as a style
    assert "\t" not in text


def _fresh_clone(root: Path) -> Path:
    """A copy of the checkout as a new user gets it: no var/, no database, no variables."""
    repo = Path(__file__).resolve().parent.parent
    clone = root / "clone"
    for name in ("kam", "templates", "static", "locale"):
        shutil.copytree(
            repo / name, clone / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
        )
    shutil.copy(repo / "Makefile", clone / "Makefile")
    return clone


def _run(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "DJANGO_"))}
    env["PYTHONPATH"] = str(clone)
    return subprocess.run(
        [sys.executable, "-m", "kam.cli", *args],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_kam_works_after_make_run_without_any_variable(tmp_path: Path) -> None:
    """`make run` writes var/secret_key and passes it in; the bare `kam` command reads it."""
    clone = _fresh_clone(tmp_path)
    # Without the key a command says so in one line, naming the fix, and nothing else.
    refused = _run(clone, "report", "portfolio")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr
    assert "KAM_SECRET_KEY" in refused.stderr
    assert str(clone / "var" / "secret_key") in refused.stderr
    # The Makefile recipe `make run` depends on, then the commands a newcomer types next.
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        ["make", "-s", "var/secret_key", f"BIN={bin_dir}"], cwd=clone, check=True, timeout=60
    )
    migrate = _run(clone, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert "Applying core.0004_shared_cache_table... OK" in migrate.stdout
    again = _run(clone, "migrate")
    assert again.returncode == 0, again.stderr
    assert "No migrations to apply." in again.stdout
    for run in (migrate, again):  # neither a new nor an up-to-date database is "already" anything
        assert "already exists" not in run.stdout + run.stderr
    demo = _run(clone, "demo", "--clients", "12")
    assert demo.returncode == 0, demo.stderr
    report = _run(clone, "report", "portfolio")
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("Window ")
    assert "Traceback" not in report.stderr
    assert (clone / "var" / "kam.sqlite3").exists()


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("KAM_DEBUG", "maybe", "KAM_DEBUG must be true or false"),
        ("KAM_DATABASE_URL", "mysq://x", "KAM_DATABASE_URL is not a database URL"),
        ("KAM_TIME_ZONE", "Mars/Base", "KAM_TIME_ZONE is not a time zone"),
        ("KAM_EMAIL_PORT", "smtp", "KAM_EMAIL_PORT must be an integer"),
    ],
)
def test_configuration_problems_are_one_line(variable: str, value: str, named: str) -> None:
    """Settings are loaded fresh in a child process: the error is one line, no traceback."""
    env = {**os.environ, variable: value, "KAM_SECRET_KEY": "x" * 50}
    done = subprocess.run(
        [sys.executable, "-m", "kam.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"kam: configuration error: {named}")
    assert done.stderr.count("\n") == 1
