"""API v1 endpoints: their querysets are the apps' selectors, scoped to the caller."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get, scope_of, visible_managers
from kam.accounts.domain import Scope
from kam.accounts.models import User
from kam.api.serializers import (
    BankEntryInput,
    BankEntrySerializer,
    ClientSerializer,
    ContactSerializer,
    DossierInput,
    InteractionInput,
    InteractionSerializer,
    StageInput,
    TaskInput,
    TaskSerializer,
    WindowParams,
)
from kam.clients.models import Client, Contact
from kam.clients.selectors import (
    ClientFilters,
    DossierPage,
    client_list,
    dossier_client_for_write,
    dossier_get,
)
from kam.clients.services import dossier_mark_reviewed, dossier_save
from kam.core.models import company_settings
from kam.portfolio.domain import Window, window_last_months
from kam.portfolio.reporting import report_as_dict
from kam.portfolio.selectors import default_window, portfolio_report
from kam.relations.models import StageChange
from kam.relations.selectors import (
    bank_account,
    checklist_for,
    current_stage,
    interactions_for,
    stages,
    today_page,
)
from kam.relations.services import (
    PauseNotConfirmed,
    bank_entry_add,
    checklist_from_template,
    interaction_log,
    stage_set,
    task_add,
)


@extend_schema(
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, required=False, description="name or INN"),
        OpenApiParameter(
            "status", OpenApiTypes.STR, required=False, enum=["active", "archived", "all"]
        ),
    ]
)
class ClientListView(generics.ListAPIView[Client]):
    """Visible clients, paginated; `?q=` searches name or INN, `?status=archived|all`."""

    serializer_class = ClientSerializer

    def get_queryset(self) -> QuerySet[Client]:
        params = self.request.query_params
        status = params.get("status", "active")
        if status not in ("active", "archived", "all"):
            raise ValidationError(
                {"status": [_("One of: %(choices)s.") % {"choices": "active, archived, all"}]}
            )
        filters = ClientFilters(
            q=params.get("q", "")[:100], status="" if status == "all" else status
        )
        return client_list(viewer=self.request.user, filters=filters)


class ClientDetailView(generics.RetrieveAPIView[Client]):
    """One visible client (404 when it is not yours or does not exist)."""

    serializer_class = ClientSerializer

    def get_object(self) -> Client:
        return client_get(self.request.user, self.kwargs["client_id"])


@extend_schema(responses=ContactSerializer(many=True))
class ContactListView(generics.ListAPIView[Contact]):
    """Active contacts of a visible client, with their buying-centre roles."""

    serializer_class = ContactSerializer

    def get_queryset(self) -> QuerySet[Contact]:
        client = client_get(self.request.user, self.kwargs["client_id"])
        return (
            Contact.objects.filter(client=client, is_active=True)
            .prefetch_related("role_set")
            .order_by("id")
        )


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


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


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
        contacts = list(Contact.objects.filter(client=client, is_active=True, pk__in=wanted))
        if len(contacts) != len(wanted):
            raise ValidationError({"contacts": [_("Pick contacts of this client.")]})
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        try:
            interaction = interaction_log(
                actor=request.user, client=client, contacts=contacts, **data
            )
        except PauseNotConfirmed as exc:
            return Response(
                {
                    "detail": "Personal contact inside the pause after a negative contact;"
                    " send confirm_pause=true to save anyway.",
                    "pause_until": exc.warning.until.isoformat(),
                    "last_negative": exc.warning.last_negative.isoformat(),
                    "suggestions": [
                        {"id": u.pk, "name": u.display_name} for u in exc.warning.suggestions
                    ],
                },
                status=409,
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(InteractionSerializer(interaction).data, status=201)


def _dossier_data(page: DossierPage) -> dict[str, Any]:
    return {
        "client": page.client.pk,
        "manager": page.client.manager.display_name,
        "notes": page.dossier.notes,
        "last_reviewed": _iso(page.dossier.last_reviewed_on),
        "review_due": _iso(page.review_due_on),
        "review_overdue": page.review_overdue,
        "completeness": page.completeness,
        "missing_roles": page.missing_roles,
        "buying_centre": [
            {
                "id": c.pk,
                "full_name": c.full_name,
                "position": c.position,
                "roles": c.role_codes,
                "influence": c.influence,
                "attitude": c.attitude,
                "notes": c.notes,
                "birthday": _iso(c.birthday),
                "dates": [{"what": d.what, "date": d.date.isoformat()} for d in c.dates.all()],
            }
            for c in page.contacts
        ],
        "competitors": [
            {
                "id": c.pk,
                "name": c.name,
                "strengths": c.strengths,
                "weaknesses": c.weaknesses,
                "offer": c.offer,
                "last_activity": _iso(c.last_activity),
            }
            for c in page.competitors
        ],
        "views": [
            {"who": v.viewer.display_name, "when": v.viewed_at.isoformat(), "channel": v.channel}
            for v in page.views
        ],
    }


class DossierView(APIView):
    """The confidential dossier: 404 to everyone but the client's manager and that manager's
    direct supervisor. Every GET is written to the access log."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, client_id: int) -> Response:
        page = dossier_get(viewer=request.user, client_id=client_id, channel="api")
        return Response(_dossier_data(page))

    @extend_schema(request=DossierInput, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, client_id: int) -> Response:
        client = dossier_client_for_write(viewer=request.user, client_id=client_id)
        body = DossierInput(data=request.data)
        body.is_valid(raise_exception=True)
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        if "notes" in body.validated_data:
            dossier_save(actor=request.user, client=client, notes=body.validated_data["notes"])
        if body.validated_data["reviewed"]:
            dossier_mark_reviewed(actor=request.user, client=client)
        page = dossier_get(viewer=request.user, client_id=client_id, channel="api")
        return Response(_dossier_data(page))


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
                        "last": _iso(r.status.last_positive) if r.status else None,
                        "days_overdue": r.status.days_overdue if r.status else 0,
                        "due_on": _iso(r.status.due_on) if r.status else None,
                    }
                    for r in page.due
                ],
                "paused": [
                    {"client": r.client.pk, "name": r.client.name, "until": _iso(r.pause_until)}
                    for r in page.paused
                ],
                "planned": InteractionSerializer(page.planned, many=True).data,
                "reviews_due": [
                    {
                        "client": r.client.pk,
                        "name": r.client.name,
                        "last_review": _iso(r.last_review),
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
    changes = StageChange.objects.filter(client=client).select_related("stage", "author")
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
