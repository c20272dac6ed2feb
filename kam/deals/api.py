"""Deals API: the funnel of the caller's scope."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.core.api import WindowParams
from kam.deals.selectors import funnel, funnel_as_dict

EARLIEST, LATEST = date(1900, 1, 1), date(9990, 12, 31)  # windows stay on the calendar


class FunnelView(APIView):
    """The funnel for deals created `?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: last 12 months)."""

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
        end = min(max(params.validated_data.get("to") or timezone.localdate(), EARLIEST), LATEST)
        start = max(params.validated_data.get("from") or end - timedelta(days=364), EARLIEST)
        if start > end:
            start, end = end, start
        data = funnel(viewer=request.user, date_from=start, date_to=end)
        return Response(funnel_as_dict(data))


urlpatterns = [path("funnel/", FunnelView.as_view(), name="funnel")]
