"""Run benchmarks and print their figures (never asserts timings).

python -m bench                 every benchmark, each in its own process on a fresh SQLite file
python -m bench portfolio       one benchmark on the database in KAM_DATABASE_URL (or a fresh
                                SQLite file when none is set)
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench import workspace

BENCHES = (
    "client_list",
    "client_card",
    "daily",
    "portfolio",
    "imports",
    "funnel",
    "deals_import",
    "load",
    "calls",
    "health",
    "charts",
)


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHES)}")
        return 2
    if len(names) > 1:
        # Django binds its database at setup: a fresh process (and database) per benchmark.
        status = 0
        for name in names:
            done = subprocess.run([sys.executable, "-m", "bench", name], check=False)  # noqa: S603
            status = status or done.returncode
        return status
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    os.environ.setdefault("KAM_DEBUG", "true")
    os.environ["KAM_ALLOWED_HOSTS"] = "127.0.0.1"
    with workspace() as tmp:
        if not os.environ.get("KAM_DATABASE_URL", "").startswith("postgres"):
            os.environ["KAM_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        import django

        django.setup()
        module = __import__(f"bench.{names[0]}", fromlist=["run"])
        module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
