"""Contrast-analysis API (read): the analyses a caller sees and one analysis in full, cut to
the clients the caller sees."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.reviews import selectors as sel
from kam.reviews.reporting import analysis_as_dict, analysis_summary


class AnalysisListView(APIView):
    """Contrast analyses the caller sees: `{"analyses": [{"id", "name", "as_of", "author",
    "satisfied", "dissatisfied"}]}`, the newest analysis date first."""

    @extend_schema(operation_id="reviews_list", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(
            {"analyses": [analysis_summary(a) for a in sel.analysis_list(request.user)]}
        )


class AnalysisDetailView(APIView):
    """One analysis: its clients with evidence and answers, the Pareto table of each side
    and the tasks; clients the caller does not see are left out (`hidden_clients`)."""

    @extend_schema(operation_id="reviews_detail", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, analysis_id: int) -> Response:
        analysis = sel.analysis_get(request.user, analysis_id)
        result = sel.synthesis(request.user, analysis)
        return Response(
            analysis_as_dict(
                analysis,
                sel.entries(request.user, analysis),
                {"satisfied": result.satisfied, "dissatisfied": result.dissatisfied},
                sel.tasks_of(analysis),
                sel.hidden_count(request.user, analysis),
            )
        )


urlpatterns = [
    path("reviews/", AnalysisListView.as_view(), name="review-list"),
    path("reviews/<int:analysis_id>/", AnalysisDetailView.as_view(), name="review-detail"),
]
