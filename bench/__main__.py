"""Run benchmarks and print their figures (never asserts timings).

python -m bench                 all benchmarks on a throw-away SQLite database
python -m bench portfolio       one benchmark on the database in KAM_DATABASE_URL
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

BENCHES = ("client_list", "portfolio", "imports")


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    os.environ.setdefault("KAM_DEBUG", "true")
    os.environ["KAM_ALLOWED_HOSTS"] = "127.0.0.1"
    for name in names:
        # Each benchmark gets a fresh database: a new SQLite file unless one was configured.
        if not os.environ.get("KAM_DATABASE_URL", "").startswith("postgres"):
            tmp = Path(tempfile.mkdtemp(prefix="kam-bench-"))
            os.environ["KAM_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        import django

        django.setup()
        module = __import__(f"bench.{name}", fromlist=["run"])
        module.run()
        if len(names) > 1:
            from django.db import connections

            connections.close_all()
            os.environ.pop("KAM_DATABASE_URL", None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
