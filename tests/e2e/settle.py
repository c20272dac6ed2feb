"""Closing a browser context only once its pages are quiet."""

from __future__ import annotations

from typing import Any


def close_quietly(context: Any) -> None:
    """Wait until every request of every page (lazy sections, htmx fragments) is answered,
    then close the context. The live server answers one request at a time on the test's
    database: a request still running when the test ends meets the flush that cleans the
    database ("couldn't be flushed", seen once), and the next test then finds the previous
    one's users."""
    for page in context.pages:
        if not page.is_closed():
            page.wait_for_load_state("networkidle")
    context.close()
