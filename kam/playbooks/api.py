"""Playbook API: the type cards, tagging a client, complaint cases with their steps and the
diagnosis that closes them. Everything is scoped by the org chart (a client or case the caller
does not see answers 404)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get
from kam.accounts.models import User
from kam.core.api import ID_MAX, NO_NUL, SAY_SOMETHING, VISIBLE_TEXT
from kam.playbooks.choices import CaseSource, CaseStep
from kam.playbooks.models import ComplaintCase, RootCause
from kam.playbooks.selectors import case_age, case_get, cause_find, live_tags, tag_get, types_list
from kam.playbooks.services import case_close, case_open, case_step, tag_add, tag_remove


def _actor(request: Request) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
    return request.user


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: the schema says boolean, so 0, 1 and "yes" are refused."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def _body(request: Request) -> Any:
    """The request's JSON object; a body that is no object (null, a list) is read as {} so
    that the answer names the missing fields in the request's language."""
    return request.data if hasattr(request.data, "get") else {}


class StrictCharField(serializers.RegexField):
    """A JSON string only (the schema says string): 0 or true is refused, not turned into text;
    a NUL byte is refused too, and the schema's pattern says so."""

    def __init__(self, **kwargs: Any) -> None:
        messages: dict[str, Any] = {
            "invalid": _("Null characters are not allowed."),
            "type": _("Enter text."),
        }
        super().__init__(NO_NUL, error_messages=messages, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("type")
        return str(super().to_internal_value(data))


class StrictVisibleText(serializers.RegexField):
    """Required free text: a JSON string with at least one visible character."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(VISIBLE_TEXT, error_messages=SAY_SOMETHING, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "1" or true is refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictChoiceField(serializers.ChoiceField):
    """A JSON string naming one of the choices."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class TypeInput(serializers.Serializer[object]):
    type = StrictCharField(max_length=20)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class CaseInput(serializers.Serializer[object]):
    client = StrictIntegerField(min_value=1, max_value=ID_MAX)
    source = StrictChoiceField(choices=CaseSource.choices)  # type: ignore[assignment]
    summary = StrictVisibleText(max_length=5000)
    about_manager = StrictBooleanField(required=False, default=False)


class StepInput(serializers.Serializer[object]):
    step = StrictChoiceField(choices=CaseStep.choices)
    note = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")
    cause = StrictIntegerField(required=False, min_value=1, max_value=ID_MAX)
    root_cause = StrictCharField(required=False, allow_blank=True, default="")
    change_made = StrictCharField(required=False, allow_blank=True, default="")


class CloseInput(serializers.Serializer[object]):
    cause = StrictIntegerField(required=False, min_value=1, max_value=ID_MAX)
    root_cause = StrictCharField(required=False, allow_blank=True, default="")
    change_made = StrictCharField(required=False, allow_blank=True, default="")
    note = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")


def _case_data(case: ComplaintCase) -> dict[str, Any]:
    age = case_age(case)
    return {
        "id": case.pk,
        "client": case.client_id,
        "source": case.source,
        "summary": case.summary,
        "about_manager": case.about_manager,
        "owner": {"id": case.owner.pk, "name": case.owner.display_name},
        "opened_at": case.opened_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "age": {"days": age.days, "hours": age.hours, "minutes": age.minutes},
        "next_due_at": case.next_due_at.isoformat() if case.next_due_at else None,
        "escalated_to": case.escalated_to_id,
        "cause": case.cause.name if case.cause else None,
        "root_cause": case.root_cause,
        "change_made": case.change_made,
        "steps": [
            {
                "step": r.step,
                "note": r.note,
                "by": r.done_by.display_name,
                "at": r.done_at.isoformat(),
                "late": r.late,
            }
            for r in case.steps.select_related("done_by")
        ],
    }


def _cause(raw: int | None) -> RootCause | None:
    return cause_find(raw) if raw else None


class TypeCardSerializer(serializers.Serializer[object]):
    """A difficult-client type's card."""

    code = serializers.CharField()
    name = serializers.CharField()
    advice = serializers.CharField()
    checklist = serializers.ListField(child=serializers.CharField())


class TypeListView(APIView):
    """The ten difficult-client types: code, name, advice and checklist."""

    @extend_schema(responses=TypeCardSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "code": t.code,
                    "name": t.name,
                    "advice": t.advice,
                    "checklist": [i.text for i in t.items.all()],
                }
                for t in types_list()
            ]
        )


class ClientTypesView(APIView):
    """Tag a visible client with a type (POST `{"type", "note"}`) or remove it (DELETE
    `{"type"}` or `?type=`)."""

    @extend_schema(request={"application/json": TypeInput}, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = TypeInput(data=_body(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        tag_add(actor=_actor(request), client=client, type_code=data["type"], note=data["note"])
        return Response(self._types(client_id), status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def delete(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        code = request.query_params.get("type") or (
            request.data.get("type") if hasattr(request.data, "get") else None
        )
        if not code:
            return Response({"type": ["Name the type to remove."]}, status=400)
        tag_remove(
            actor=_actor(request),
            tag=tag_get(viewer=request.user, client_id=client.pk, code=str(code)),
        )
        return Response(self._types(client_id))

    @staticmethod
    def _types(client_id: int) -> dict[str, Any]:
        return {
            "difficult_types": [
                {"code": t.type.code, "name": t.type.name} for t in live_tags([client_id])
            ]
        }


class ComplaintListView(APIView):
    """Open a complaint case from any source for a visible client."""

    @extend_schema(
        request={"application/json": CaseInput},
        responses={201: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = CaseInput(data=_body(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        client = client_get(request.user, data["client"])
        case = case_open(
            client=client,
            actor=_actor(request),
            source=data["source"],
            summary=data["summary"],
            about_manager=data["about_manager"],
        )
        return Response(_case_data(case), status=status.HTTP_201_CREATED)


class CaseStepsView(APIView):
    """Record the next step of a visible case (in order; 400 with the reason otherwise)."""

    @extend_schema(request={"application/json": StepInput}, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get(viewer=request.user, case_id=case_id)
        body = StepInput(data=_body(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case_step(
            actor=_actor(request),
            case=case,
            step=data["step"],
            note=data["note"],
            cause=_cause(data.get("cause")),
            root_cause=data["root_cause"],
            change_made=data["change_made"],
        )
        return Response(_case_data(case_get(viewer=request.user, case_id=case_id)), status=201)


class CaseCloseView(APIView):
    """Close a visible case with its diagnosis; 400 with the reason when there is none."""

    @extend_schema(request={"application/json": CloseInput}, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get(viewer=request.user, case_id=case_id)
        body = CloseInput(data=_body(request))
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case_close(
            actor=_actor(request),
            case=case,
            cause=_cause(data.get("cause")),
            root_cause=data["root_cause"],
            change_made=data["change_made"],
            note=data["note"],
        )
        return Response(_case_data(case_get(viewer=request.user, case_id=case_id)))


urlpatterns = [
    path("playbook/types/", TypeListView.as_view(), name="playbook-types"),
    path("clients/<int:client_id>/types/", ClientTypesView.as_view(), name="client-types"),
    path("complaints/", ComplaintListView.as_view(), name="complaint-list"),
    path("complaints/<int:case_id>/steps/", CaseStepsView.as_view(), name="complaint-steps"),
    path("complaints/<int:case_id>/close/", CaseCloseView.as_view(), name="complaint-close"),
]
