"""Run every benchmark and print its figures (never asserts timings)."""

from __future__ import annotations

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    os.environ.setdefault("KAM_DEBUG", "true")
    from bench import client_list

    client_list.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
