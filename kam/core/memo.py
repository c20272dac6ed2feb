"""Figures computed once per request: several panels of one page that need the same
company-wide aggregate (the company's revenue over the window, say) share one query.

`per_request(key, compute)` returns the value computed earlier in the same request, or
computes and keeps it; outside a request (the command line, a background task, a test calling
a selector) it simply computes, so nothing is ever cached across requests. Keys name what was
computed and from what (`("portfolio.company_kopecks", window)`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponseBase

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("kam_request_memo", default=None)


def per_request(key: Hashable, compute: Callable[[], T]) -> T:
    store = _memo.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


class RequestMemoMiddleware:
    """Gives each request its own, empty memo and drops it when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
