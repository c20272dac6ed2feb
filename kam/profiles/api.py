"""Ideal-profile API: the current profile, the fit ranking and a client's scores."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get
from kam.accounts.models import User
from kam.profiles import domain as d
from kam.profiles import services as svc
from kam.profiles.reporting import fit_as_dict
from kam.profiles.selectors import (
    client_fit,
    current_version,
    quadrant_report,
    version_traits,
)


class ProfileView(APIView):
    """The current profile version with its traits and weights (null while there is none)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        version = current_version()
        traits = version_traits(version)
        return Response(
            {
                "version": version.number if version else None,
                "created": version.created_at.isoformat() if version else None,
                "traits": [{"id": t.pk, "name": t.name, "weight": float(t.weight)} for t in traits],
            }
        )


class RankingView(APIView):
    """Every scored client the caller sees, by fit (a fraction −1…1), best first."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(fit_as_dict(viewer=request.user))


class ScoresInput(serializers.Serializer[Any]):
    """`{"scores": {"<trait id>": -5…5 or null}}`; traits of the current profile only."""

    scores = serializers.DictField(
        child=serializers.IntegerField(
            min_value=d.SCORE_MIN, max_value=d.SCORE_MAX, allow_null=True
        ),
        allow_empty=False,
    )


def _client_scores(request: Request, client_id: int) -> dict[str, Any]:
    client = client_get(request.user, client_id)
    data = client_fit(viewer=request.user, client=client)
    return {
        "client": client.pk,
        "version": data.version.number if data.version else None,
        "fit": data.fit.value,
        "scored": data.fit.scored,
        "scores": [
            {"trait": t.pk, "name": t.name, "score": data.scores.get(str(t.pk))}
            for t in data.traits
        ],
        "actions": [
            {
                "id": a.pk,
                "trait": a.trait_id,
                "text": a.text,
                "owner": a.owner.display_name,
                "due": a.due.isoformat(),
                "done": a.done,
            }
            for a in data.actions
        ],
    }


class ClientScoresView(APIView):
    """A client's scores on the current profile, its fit and action items; POST to score."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request: Request, client_id: int) -> Response:
        return Response(_client_scores(request, client_id))

    @extend_schema(
        request=ScoresInput,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = ScoresInput(data=request.data)
        body.is_valid(raise_exception=True)
        traits = {str(t.pk): t for t in version_traits(current_version())}
        unknown = [key for key in body.validated_data["scores"] if key not in traits]
        if unknown:
            raise ValidationError(
                {"scores": [_("Not a trait of the current profile: %(ids)s") % {"ids": unknown}]}
            )
        scores = {traits[k]: v for k, v in body.validated_data["scores"].items()}
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            svc.scores_set(actor=request.user, client=client, scores=scores, source="api")
        except DjangoValidationError as exc:
            raise ValidationError({"scores": exc.messages}) from None
        return Response(_client_scores(request, client_id))


class QuadrantView(APIView):
    """Per manager: deals placed in the win–win quadrant, the win–win share, refusals."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report = quadrant_report(viewer=request.user)

        def row(m: Any) -> dict[str, Any]:
            return {
                "assessed": m.assessed,
                "win_win": m.win_win,
                "share": m.share,
                "refused": m.refused,
                "quadrants": m.counts,
            }

        return Response(
            {
                "team": row(report.team),
                "managers": [{"manager": m.manager, **row(m)} for m in report.managers],
                "flagged": [
                    {
                        "deal": a.deal_id,
                        "client": a.deal.client.name,
                        "we_win": a.we_win,
                        "client_wins": a.client_wins,
                        "refused": a.refused,
                    }
                    for a in report.flagged
                ],
            }
        )


urlpatterns = [
    path("icp/", ProfileView.as_view(), name="icp-profile"),
    path("icp/ranking/", RankingView.as_view(), name="icp-ranking"),
    path("icp/quadrant/", QuadrantView.as_view(), name="icp-quadrant"),
    path("icp/clients/<int:client_id>/scores/", ClientScoresView.as_view(), name="icp-scores"),
]
