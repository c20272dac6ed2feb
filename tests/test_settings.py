"""E-mail settings from KAM_* variables, read by a fresh process as the server would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', "
    "'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', "
    "'DEFAULT_FROM_EMAIL', 'SERVER_EMAIL')}))"
)


def _settings(**variables: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAM_EMAIL")}
    env.update(DJANGO_SETTINGS_MODULE="kam.settings", KAM_SECRET_KEY="x" * 50, **variables)
    done = subprocess.run(
        [sys.executable, "-c", PRINT], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_without_a_host_mail_goes_to_the_console() -> None:
    assert _settings()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_a_host_turns_on_smtp_with_starttls_on_587() -> None:
    got = _settings(
        KAM_EMAIL_HOST="smtp.example.ru",
        KAM_EMAIL_USER="kam@example.ru",
        KAM_EMAIL_PASSWORD="secret",
        KAM_DEFAULT_FROM_EMAIL="KAM <kam@example.ru>",
    )
    assert got == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.ru",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "kam@example.ru",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "DEFAULT_FROM_EMAIL": "KAM <kam@example.ru>",
        "SERVER_EMAIL": "KAM <kam@example.ru>",
    }


@pytest.mark.parametrize(
    ("variables", "port", "tls", "ssl"),
    [
        ({"KAM_EMAIL_USE_SSL": "true"}, 465, False, True),
        ({"KAM_EMAIL_USE_TLS": "false"}, 587, False, False),
        ({"KAM_EMAIL_PORT": "2525"}, 2525, True, False),
    ],
)
def test_port_follows_the_encryption(
    variables: dict[str, str], port: int, tls: bool, ssl: bool
) -> None:
    got = _settings(KAM_EMAIL_HOST="smtp.example.ru", **variables)
    assert (got["EMAIL_PORT"], got["EMAIL_USE_TLS"], got["EMAIL_USE_SSL"]) == (port, tls, ssl)


def test_tls_and_ssl_together_are_refused_in_one_line() -> None:
    env = {**os.environ, "KAM_SECRET_KEY": "x" * 50, "KAM_EMAIL_HOST": "smtp.example.ru"}
    env.update(KAM_EMAIL_USE_TLS="true", KAM_EMAIL_USE_SSL="true")
    done = subprocess.run(
        [sys.executable, "-m", "kam.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "kam: configuration error: KAM_EMAIL_USE_TLS and KAM_EMAIL_USE_SSL are both true: set "
        "only one (TLS for port 587, SSL for port 465)\n"
    )


def test_an_unreachable_smtp_server_is_one_line() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "KAM_EMAIL_HOST": "127.0.0.1", "KAM_EMAIL_PORT": str(port)}
    done = subprocess.run(
        [sys.executable, "-m", "kam.cli", "manage", "sendtestemail", "you@example.ru"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("kam manage: ")
    assert "refused" in done.stderr
    assert done.stderr.count("\n") == 1
