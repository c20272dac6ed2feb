"""`GET /api/v1/`: the API root, listing every v1 endpoint and where the documentation is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def api_endpoints(patterns: Sequence[object], prefix: str) -> list[dict[str, Any]]:
    """Every v1 route under `patterns`: path template, methods and the view's first paragraph."""
    endpoints: list[dict[str, Any]] = []

    def walk(patterns: Sequence[object], above: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, above + str(pattern.pattern))
                continue
            if not isinstance(pattern, URLPattern):
                continue
            route = above + str(pattern.pattern)
            view = getattr(pattern.callback, "view_class", None)
            if not route.startswith("v1/") or route == "v1/" or view is None:
                continue
            methods = [
                m.upper()
                for m in view.http_method_names
                if m not in {"options", "head"} and hasattr(view, m)
            ]
            doc = (view.__doc__ or "").strip()
            endpoints.append(
                {
                    "name": pattern.name,
                    "path": prefix + _CONVERTER.sub(r"{\1}", route),
                    "methods": methods,
                    "description": " ".join(doc.split("\n\n")[0].split()),
                }
            )

    walk(patterns, "")
    return endpoints


class ApiRootView(APIView):
    """The API root: every v1 endpoint with its methods, and where the documentation is."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        from kam.api import urls

        prefix = reverse("api:schema").removesuffix("schema/")
        return Response(
            {
                "version": "1",
                "docs": request.build_absolute_uri(reverse("api:docs")),
                "schema": request.build_absolute_uri(reverse("api:schema")),
                "authentication": "Authorization: Token <token> (kam token USERNAME) or a session",
                "endpoints": api_endpoints(urls.urlpatterns, prefix),
            }
        )
