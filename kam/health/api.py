"""Health API: account health and contrast-analysis candidates, scoped by the org chart."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.health.selectors import contrast_candidates, health_as_dict, health_list


class AsOfParams(serializers.Serializer[object]):
    to = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # DRF takes an optional field sent empty (`?to=`) as absent; the schema says a date.
        if "to" in self.initial_data and not str(self.initial_data.get("to")).strip():
            raise serializers.ValidationError(
                {"to": [_("Enter a date as YYYY-MM-DD or leave the parameter out.")]}
            )
        day = attrs.get("to")
        if day is not None:
            # Windows reach years back and forth from the date: keep them on the calendar. No
            # client has revenue before 1900 or after 9990, so the answer is the same.
            attrs["to"] = min(max(day, date(1900, 1, 1)), date(9990, 12, 31))
        return attrs


_TO = OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="as of (default today)")


class HealthView(APIView):
    """`{"as_of", "clients": [{"id", "name", "health", "components", "alerts"}]}`."""

    @extend_schema(parameters=[_TO], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        params = AsOfParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("to") or timezone.localdate()
        rows = health_list(viewer=request.user, as_of=as_of, compare=False)
        return Response(health_as_dict(rows, as_of))


class ContrastView(APIView):
    """`{"as_of", "satisfied": [{"client", "evidence"}], "dissatisfied": […]}`."""

    @extend_schema(parameters=[_TO], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        params = AsOfParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        as_of = params.validated_data.get("to") or timezone.localdate()
        return Response(contrast_candidates(viewer=request.user, as_of=as_of))


urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("contrast/", ContrastView.as_view(), name="contrast"),
]
