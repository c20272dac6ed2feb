"""The suite runs on the database it was pointed at (SQLite by default, PostgreSQL in CI)."""

import os

from django.db import connection


def test_database_engine_matches_configuration() -> None:
    url = os.environ.get("KAM_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
