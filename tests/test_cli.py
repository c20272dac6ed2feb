"""The `kam` command: help, demo, createuser and token, with clear errors."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from kam.accounts.models import ApiToken, User
from kam.cli import main
from kam.clients.models import Client
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
