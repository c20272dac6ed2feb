"""Relations API: contact log, Today, bank account, stage and checklist, scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get, scope_of, visible_managers
from kam.accounts.domain import Scope
from kam.accounts.models import User
from kam.clients.models import Client
from kam.clients.selectors import active_contacts
from kam.core.api import ID_MAX, SAY_SOMETHING, VISIBLE_TEXT, ManagerSerializer, iso
from kam.relations.choices import ContactChannel, EntryKind, ToneChoice
from kam.relations.domain import Correction
from kam.relations.selectors import (
    bank_account,
    checklist_for,
    correction_of,
    current_stage,
    interaction_get,
    interactions_for,
    revisions_for,
    stage_history,
    stages,
    today_page,
)
from kam.relations.services import (
    CorrectionRefused,
    PauseNotConfirmed,
    PauseWarning,
    bank_entry_add,
    checklist_from_template,
    interaction_delete,
    interaction_edit,
    interaction_log,
    stage_set,
    task_add,
)


class InteractionSerializer(serializers.Serializer[object]):
    """A contact-log entry."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    channel = serializers.CharField()
    personal = serializers.BooleanField()
    tone = serializers.CharField()
    planned = serializers.BooleanField()
    summary = serializers.CharField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    author = ManagerSerializer()
    contacts = serializers.SerializerMethodField()

    def get_contacts(self, obj: Any) -> list[int]:
        return [c.pk for c in obj.contacts.all()]


class InteractionInput(serializers.Serializer[object]):
    """POST body of a contact: `confirm_pause` saves a personal contact inside the pause."""

    date = serializers.DateField()
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    personal = serializers.BooleanField(default=True)
    tone = serializers.ChoiceField(choices=ToneChoice.choices, required=False, default="")
    summary = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=24 * 60
    )
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, default=list
    )
    planned = serializers.BooleanField(default=False)
    confirm_pause = serializers.BooleanField(default=False)


class BankEntrySerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    weight = serializers.IntegerField()
    stage = serializers.CharField(source="stage.name", default=None)
    date = serializers.DateField()
    note = serializers.CharField()
    author = serializers.CharField(source="author.display_name")


class BankEntryInput(serializers.Serializer[object]):
    kind = serializers.ChoiceField(choices=EntryKind.choices)
    weight = serializers.IntegerField(min_value=1, max_value=5)
    date = serializers.DateField(required=False)
    note = serializers.RegexField(VISIBLE_TEXT, max_length=500, error_messages=SAY_SOMETHING)


class StageInput(serializers.Serializer[object]):
    """`stage` is a stage id or its exact name."""

    stage = serializers.CharField(max_length=100)
    date = serializers.DateField(required=False)
    reason = serializers.RegexField(VISIBLE_TEXT, max_length=500, error_messages=SAY_SOMETHING)


class TaskSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    owner = ManagerSerializer()
    due = serializers.DateField(allow_null=True)
    done = serializers.BooleanField()
    kind = serializers.CharField()


class TaskInput(serializers.Serializer[object]):
    """A task (`title`, optional `owner` id and `due`), or `from_template: true` to copy the
    current stage's checklist template."""

    title = serializers.CharField(max_length=300, required=False)
    owner = serializers.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    due = serializers.DateField(required=False)
    from_template = serializers.BooleanField(default=False)


class InteractionListView(APIView):
    """The contact log of a visible client (GET, newest first) and a new contact (POST)."""

    @extend_schema(responses=InteractionSerializer(many=True))
    def get(self, request: Request, client_id: int) -> Response:
        log = interactions_for(viewer=request.user, client_id=client_id)[:500]
        return Response(InteractionSerializer(log, many=True).data)

    @extend_schema(request=InteractionInput, responses={201: InteractionSerializer})
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = InteractionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        wanted = set(data.pop("contacts"))
        contacts = list(active_contacts(client, wanted))
        if len(contacts) != len(wanted):
            raise ValidationError({"contacts": [_("Pick contacts of this client.")]})
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            interaction = interaction_log(
                actor=request.user, client=client, contacts=contacts, **data
            )
        except PauseNotConfirmed as exc:
            return _pause_conflict(exc.warning)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(InteractionSerializer(interaction).data, status=201)


def _pause_conflict(warning: PauseWarning) -> Response:
    return Response(
        {
            "detail": "Personal contact inside the pause after a negative contact;"
            " send confirm_pause=true to save anyway.",
            "pause_until": warning.until.isoformat(),
            "last_negative": warning.last_negative.isoformat(),
            "suggestions": [{"id": u.pk, "name": u.display_name} for u in warning.suggestions],
        },
        status=409,
    )


class InteractionPatch(serializers.Serializer[object]):
    """PATCH body of a correction: any of the fields of a contact (the plan state stays)."""

    date = serializers.DateField(required=False)
    channel = serializers.ChoiceField(choices=ContactChannel.choices, required=False)
    personal = serializers.BooleanField(required=False)
    tone = serializers.ChoiceField(choices=ToneChoice.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=24 * 60
    )
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False
    )
    confirm_pause = serializers.BooleanField(default=False)


class RevisionSerializer(serializers.Serializer[object]):
    """One correction of an entry: who, when, before and after (after is null for a delete)."""

    kind = serializers.CharField()
    actor = serializers.CharField(source="actor.display_name")
    at = serializers.DateTimeField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class InteractionDetailView(APIView):
    """One contact-log entry with its corrections (GET); PATCH corrects it and DELETE removes
    it: only its author or the author's supervisor, within the company's correction window
    (403 with the reason otherwise; 404 when the client is not the caller's)."""

    def _entry(self, request: Request, client_id: int, interaction_id: int) -> Any:
        return interaction_get(
            viewer=request.user, client_id=client_id, interaction_id=interaction_id
        )

    def _allowed(self, request: Request, interaction: Any) -> User:
        verdict = correction_of(viewer=request.user, interaction=interaction)
        if verdict is not Correction.ALLOWED:
            raise PermissionDenied(CorrectionRefused(verdict).reason)
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        return request.user

    def _data(self, request: Request, interaction: Any) -> dict[str, Any]:
        out = dict(InteractionSerializer(interaction).data)
        history = revisions_for(
            viewer=request.user, client_id=interaction.client_id, interaction_id=interaction.pk
        )
        out["corrections"] = RevisionSerializer(history, many=True).data
        out["correctable"] = (
            correction_of(viewer=request.user, interaction=interaction) is Correction.ALLOWED
        )
        return out

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, client_id: int, interaction_id: int) -> Response:
        return Response(self._data(request, self._entry(request, client_id, interaction_id)))

    @extend_schema(request=InteractionPatch, responses=OpenApiTypes.OBJECT)
    def patch(self, request: Request, client_id: int, interaction_id: int) -> Response:
        interaction = self._entry(request, client_id, interaction_id)
        actor = self._allowed(request, interaction)
        body = InteractionPatch(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "contacts" in data:
            wanted = set(data.pop("contacts"))
            linked = [c.pk for c in interaction.contacts.all()]
            contacts = list(active_contacts(client_id, wanted, keep=linked))
            if len(contacts) != len(wanted):
                raise ValidationError({"contacts": [_("Pick contacts of this client.")]})
        else:
            contacts = list(interaction.contacts.all())
        fields = {
            "date": interaction.date,
            "channel": interaction.channel,
            "personal": interaction.personal,
            "tone": interaction.tone,
            "summary": interaction.summary,
            "duration_minutes": interaction.duration_minutes,
        }
        fields.update(data)
        try:
            interaction_edit(actor=actor, interaction=interaction, contacts=contacts, **fields)
        except PauseNotConfirmed as exc:
            return _pause_conflict(exc.warning)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(self._data(request, interaction))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, client_id: int, interaction_id: int) -> Response:
        interaction = self._entry(request, client_id, interaction_id)
        actor = self._allowed(request, interaction)
        interaction_delete(actor=actor, interaction=interaction)
        return Response(status=204)


class TodayView(APIView):
    """The caller's Today: contacts due, pauses, planned contacts, reviews, dates, plan items.
    `?view=team` for a supervisor's team or a director's company."""

    @extend_schema(
        parameters=[OpenApiParameter("view", OpenApiTypes.STR, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        team = request.query_params.get("view") == "team" and scope_of(request.user) in (
            Scope.TEAM,
            Scope.ALL,
        )
        page = today_page(viewer=request.user, team=team)
        return Response(
            {
                "today": page.today.isoformat(),
                "view": "team" if team else "mine",
                "due": [
                    {
                        "client": r.client.pk,
                        "name": r.client.name,
                        "manager": r.client.manager.display_name,
                        "key": r.is_key,
                        "every_days": r.every_days,
                        "last": iso(r.status.last_positive) if r.status else None,
                        "days_overdue": r.status.days_overdue if r.status else 0,
                        "due_on": iso(r.status.due_on) if r.status else None,
                    }
                    for r in page.due
                ],
                "paused": [
                    {"client": r.client.pk, "name": r.client.name, "until": iso(r.pause_until)}
                    for r in page.paused
                ],
                "planned": InteractionSerializer(page.planned, many=True).data,
                "reviews_due": [
                    {
                        "client": r.client.pk,
                        "name": r.client.name,
                        "last_review": iso(r.last_review),
                    }
                    for r in page.reviews
                ],
                "dates": [
                    {
                        "client": d.client.pk,
                        "contact": d.contact.full_name,
                        "what": d.what,
                        "date": d.date.isoformat(),
                    }
                    for d in page.dates
                ],
                "plan_actions": [
                    {"id": a.pk, "title": a.title, "due": a.due.isoformat()} for a in page.actions
                ],
                "plan_goals": [
                    {"id": g.pk, "title": g.title, "due": g.due.isoformat()} for g in page.goals
                ],
                "compliance": [
                    {
                        "manager": c.manager.display_name,
                        "key_clients": c.key_clients,
                        "within_cadence": c.within_cadence,
                        "reviewed_on_time": c.reviewed_on_time,
                        "completeness": c.completeness,
                    }
                    for c in page.compliance
                ],
            }
        )


def _bank_data(viewer: Any, client_id: int) -> dict[str, Any]:
    account = bank_account(viewer=viewer, client_id=client_id)
    return {
        "balance": account.balance,
        "alerts": account.alerts,
        "entries": BankEntrySerializer(account.entries, many=True).data,
    }


class BankView(APIView):
    """The emotional bank account of a visible client (client visibility, not dossier)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, client_id: int) -> Response:
        return Response(_bank_data(request.user, client_id))

    @extend_schema(request=BankEntryInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = BankEntryInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            entry = bank_entry_add(
                actor=request.user,
                client=client,
                kind=data["kind"],
                weight=data["weight"],
                note=data["note"],
                on=data.get("date"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        out = _bank_data(request.user, client_id)
        out["entry"] = BankEntrySerializer(entry).data
        return Response(out, status=201)


def _stage_data(client: Client) -> dict[str, Any]:
    changes = stage_history(client)
    history = [
        {
            "stage": c.stage.name,
            "stage_id": c.stage_id,
            "date": c.date.isoformat(),
            "reason": c.reason,
            "author": c.author.display_name,
        }
        for c in changes.order_by("-date", "-id")
    ]
    current = history[0] if history else None
    advice = changes.order_by("-date", "-id").first()
    return {
        "current": current,
        "advice": advice.stage.advice if advice else "",
        "history": history,
        "stages": [{"id": s.pk, "name": s.name, "order": s.order} for s in stages()],
    }


class StageView(APIView):
    """The client's relationship stage with its history; POST moves it (with a reason)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, client_id: int) -> Response:
        return Response(_stage_data(client_get(request.user, client_id)))

    @extend_schema(request=StageInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = StageInput(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["stage"]
        found = stages().filter(name=wanted).first()
        if found is None and wanted.isascii() and wanted.isdigit():
            found = stages().filter(pk=int(wanted)).first()
        if found is None:
            raise ValidationError({"stage": [_("No such stage.")]})
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            stage_set(
                actor=request.user,
                client=client,
                stage=found,
                reason=body.validated_data["reason"],
                on=body.validated_data.get("date"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(_stage_data(client), status=201)


class ChecklistView(APIView):
    """The client's relationship checklist; POST adds a task or the stage template."""

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request: Request, client_id: int) -> Response:
        tasks = checklist_for(viewer=request.user, client_id=client_id)
        return Response(TaskSerializer(tasks, many=True).data)

    @extend_schema(request=TaskInput, responses={201: TaskSerializer(many=True)})
    def post(self, request: Request, client_id: int) -> Response:
        client = client_get(request.user, client_id)
        body = TaskInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        if data["from_template"]:
            change = current_stage(client)
            if change is None or not change.stage.template_tasks:
                raise ValidationError({"from_template": [_("The current stage has no template.")]})
            created = checklist_from_template(actor=request.user, client=client, stage=change.stage)
            return Response(TaskSerializer(created, many=True).data, status=201)
        owner = None
        if "owner" in data:
            owner = visible_managers(request.user).filter(pk=data["owner"]).first()
            if owner is None:
                raise ValidationError({"owner": [_("Pick someone you can assign.")]})
        try:
            task = task_add(
                actor=request.user,
                client=client,
                title=data.get("title", ""),
                owner=owner,
                due=data.get("due"),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(TaskSerializer([task], many=True).data, status=201)


urlpatterns = [
    path(
        "clients/<int:client_id>/interactions/",
        InteractionListView.as_view(),
        name="interaction-list",
    ),
    path(
        "clients/<int:client_id>/interactions/<int:interaction_id>/",
        InteractionDetailView.as_view(),
        name="interaction-detail",
    ),
    path("clients/<int:client_id>/bank/", BankView.as_view(), name="bank"),
    path("clients/<int:client_id>/stage/", StageView.as_view(), name="stage"),
    path("clients/<int:client_id>/checklist/", ChecklistView.as_view(), name="checklist"),
    path("today/", TodayView.as_view(), name="today"),
]
