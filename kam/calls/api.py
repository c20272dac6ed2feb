"""Calls API: the calls report, scoped by the org chart (own calls; a supervisor's team)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.calls.selectors import calls_report, default_window
from kam.core.api import WindowParams


class CallsReportView(APIView):
    """Calls with their question counts, price flag, meeting and score, and per manager the
    questions a call week by week: `?from=&to=` (default: the last twelve weeks)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=False),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = WindowParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, end = default_window(params.validated_data.get("to"))
        start = params.validated_data.get("from") or start
        return Response(calls_report(viewer=request.user, start=start, end=end))


urlpatterns = [path("calls/", CallsReportView.as_view(), name="calls-report")]
