"""Login required for every page except those marked public; the API answers for itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware, except for /api/ (DRF returns 401/403 JSON there)."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MethodNotAllowedPageMiddleware:
    """Django answers a wrong method with an empty 405 that browsers show as their own English
    error page; pages get a translated one instead (the API keeps its JSON answers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not request.path_info.startswith("/api/")
            and isinstance(response, HttpResponse)
            and not response.content
        ):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
