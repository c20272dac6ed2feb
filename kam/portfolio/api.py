"""Portfolio API: the portfolio report for a window, scoped to the caller."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.core.api import WindowParams
from kam.portfolio.domain import Window
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
        try:
            window = Window(start=start or window.start, end=end or window.end)
        except ValueError:
            # One end given, the other from the default window, and they cross.
            empty = {"start": start or window.start, "end": end or window.end}
            raise ValidationError(
                {"from": [_("The period %(start)s – %(end)s is empty.") % empty]}
            ) from None
        return Response(report_as_dict(portfolio_report(viewer=request.user, window=window)))


urlpatterns = [
    path("portfolio/", PortfolioView.as_view(), name="portfolio"),
]
