"""Portfolio API: the portfolio report for a window, scoped to the caller."""

from __future__ import annotations

from datetime import date

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.core.api import WindowParams
from kam.core.models import company_settings
from kam.portfolio.domain import Window, window_last_months
from kam.portfolio.reporting import report_as_dict
from kam.portfolio.selectors import default_window, portfolio_report


class PortfolioView(APIView):
    """The portfolio for `?from=YYYY-MM-DD&to=YYYY-MM-DD` (default: the last 12 months)."""

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
        start, end = params.validated_data.get("from"), params.validated_data.get("to")
        window = default_window()
        if end is not None and start is None:
            # Only the end: the default window's length up to that day.
            months = company_settings().window_months
            try:
                start = window_last_months(end, months=months).start
            except ValueError:  # before the calendar's first year
                start = date.min
        start = start or window.start
        window = Window(start=start, end=end or max(window.end, start))
        return Response(report_as_dict(portfolio_report(viewer=request.user, window=window)))


urlpatterns = [
    path("portfolio/", PortfolioView.as_view(), name="portfolio"),
]
