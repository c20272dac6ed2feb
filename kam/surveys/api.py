"""Surveys API: campaigns, answers (managers record phone answers) and results, scoped."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get
from kam.accounts.models import User
from kam.core.api import ID_MAX, WindowParams
from kam.surveys.domain import report_window
from kam.surveys.selectors import (
    BY,
    campaign_get,
    campaigns_for,
    nps_report,
    report_as_dict,
    visible_answers,
)
from kam.surveys.services import record_phone_answer


class CampaignSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    audience = serializers.CharField()
    by_phone = serializers.BooleanField()
    by_link = serializers.BooleanField()


class AnswerSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    client = serializers.IntegerField(source="client_id")
    score = serializers.IntegerField()
    comment = serializers.CharField()
    channel = serializers.CharField()
    date = serializers.DateField(source="answered_on")


class PhoneAnswerInput(serializers.Serializer[object]):
    """The score is a JSON integer 0–10: no strings, no defaults."""

    client = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    score = serializers.JSONField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class CampaignListView(APIView):
    """Survey campaigns: client NPS ones with a respondent the caller sees, and all eNPS ones."""

    @extend_schema(responses=CampaignSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(CampaignSerializer(campaigns_for(request.user)[:500], many=True).data)


class CampaignAnswersView(APIView):
    """Answers of a campaign for the clients the caller sees; POST records a phone answer."""

    @extend_schema(responses=AnswerSerializer(many=True))
    def get(self, request: Request, campaign_id: int) -> Response:
        campaign = campaign_get(viewer=request.user, campaign_id=campaign_id)
        answers = visible_answers(request.user, date.min, date.max)
        return Response(AnswerSerializer(answers.filter(campaign=campaign), many=True).data)

    @extend_schema(request=PhoneAnswerInput, responses={201: AnswerSerializer})
    def post(self, request: Request, campaign_id: int) -> Response:
        campaign = campaign_get(viewer=request.user, campaign_id=campaign_id)
        body = PhoneAnswerInput(data=request.data)
        body.is_valid(raise_exception=True)
        client = client_get(request.user, body.validated_data["client"])
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            answer = record_phone_answer(
                actor=request.user,
                campaign=campaign,
                client=client,
                score=body.validated_data["score"],
                comment=body.validated_data["comment"],
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(AnswerSerializer(answer).data, status=201)


class ResultsView(APIView):
    """NPS with n, the adjusted-Wald interval and groups: `?from=&to=&by=manager|segment|month|
    stage|campaign` (default: the last 12 months by manager)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=False),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False),
            OpenApiParameter("by", OpenApiTypes.STR, required=False, enum=list(BY)),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = WindowParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, end = report_window(
            params.validated_data.get("from"),
            params.validated_data.get("to"),
            today=timezone.localdate(),
        )
        by = request.query_params.get("by", "manager")
        if by not in BY:
            raise ValidationError({"by": [_("One of: %(choices)s.") % {"choices": ", ".join(BY)}]})
        data: dict[str, Any] = report_as_dict(
            nps_report(viewer=request.user, start=start, end=end, by=by)
        )
        return Response(data)


urlpatterns = [
    path("surveys/campaigns/", CampaignListView.as_view(), name="campaign-list"),
    path(
        "surveys/campaigns/<int:campaign_id>/answers/",
        CampaignAnswersView.as_view(),
        name="campaign-answers",
    ),
    path("surveys/results/", ResultsView.as_view(), name="nps-results"),
]
