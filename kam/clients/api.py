"""Clients API: clients, contacts and the dossier (serializers and views), scoped to the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get
from kam.accounts.models import User
from kam.clients.models import Client, Contact
from kam.clients.selectors import (
    ClientFilters,
    DossierPage,
    active_contacts,
    client_list,
    dossier_client_for_write,
    dossier_get,
)
from kam.clients.services import dossier_mark_reviewed, dossier_save
from kam.core.api import ManagerSerializer, iso


class ClientSerializer(serializers.ModelSerializer[Client]):
    manager = ManagerSerializer(read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "inn",
            "segment",
            "channel",
            "status",
            "city",
            "manager",
            "created_at",
        ]


class ContactSerializer(serializers.ModelSerializer[Contact]):
    roles = serializers.ListField(child=serializers.CharField(), source="role_codes")

    class Meta:
        model = Contact
        fields = [
            "id",
            "full_name",
            "position",
            "phone",
            "mobile_phone",
            "email",
            "birthday",
            "roles",
        ]


class DossierInput(serializers.Serializer[object]):
    """PUT body of a dossier: new notes and/or `reviewed: true` to mark it reviewed today."""

    notes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    reviewed = serializers.BooleanField(required=False, default=False)


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
            choices = {"choices": "active, archived, all"}
            raise ValidationError({"status": [_("One of: %(choices)s.") % choices]})
        filters = ClientFilters(
            q=params.get("q", "")[:100], status="" if status == "all" else status
        )
        return client_list(viewer=self.request.user, filters=filters)


# Fields apps above clients add to the client detail (`difficult_types` from playbooks):
# name → (viewer, client) → JSON value. Registered in their `AppConfig.ready()`.
DetailField = Callable[[Any, Client], Any]
_detail_fields: dict[str, DetailField] = {}


def register_detail_field(name: str, value: DetailField) -> None:
    """Add (or replace) a field of `GET /api/v1/clients/<id>/`."""
    _detail_fields[name] = value


class ClientDetailView(generics.RetrieveAPIView[Client]):
    """One visible client (404 when it is not yours or does not exist), with the fields other
    apps add (e.g. `difficult_types`)."""

    serializer_class = ClientSerializer

    def get_object(self) -> Client:
        return client_get(self.request.user, self.kwargs["client_id"])

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client = self.get_object()
        data = dict(ClientSerializer(client).data)
        for name, value in _detail_fields.items():
            data[name] = value(request.user, client)
        return Response(data)


@extend_schema(responses=ContactSerializer(many=True))
class ContactListView(generics.ListAPIView[Contact]):
    """Active contacts of a visible client, with their buying-centre roles."""

    serializer_class = ContactSerializer

    def get_queryset(self) -> QuerySet[Contact]:
        client = client_get(self.request.user, self.kwargs["client_id"])
        return active_contacts(client).prefetch_related("role_set")


def _dossier_data(page: DossierPage) -> dict[str, Any]:
    return {
        "client": page.client.pk,
        "manager": page.client.manager.display_name,
        "notes": page.dossier.notes,
        "last_reviewed": iso(page.dossier.last_reviewed_on),
        "review_due": iso(page.review_due_on),
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
                "birthday": iso(c.birthday),
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
                "last_activity": iso(c.last_activity),
            }
            for c in page.competitors
        ],
        "views": [
            {
                "who": v.viewer.display_name,
                "when": v.viewed_at.isoformat(),
                "channel": v.channel,
                "page": v.page,
                "allowed": v.allowed,
                "count": v.count,
            }
            for v in page.views
        ],
        "readers": [
            {
                "who": r.user.display_name,
                "as": "manager" if r.is_manager else "supervisor",
                "since": r.since.isoformat() if r.since else None,
            }
            for r in page.readers
        ],
    }


class DossierView(APIView):
    """The confidential dossier: 404 to everyone but the client's manager and that manager's
    direct supervisor. Every GET is written to the access log."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, client_id: int) -> Response:
        page = dossier_get(viewer=request.user, client_id=client_id, channel="api")
        return _no_store(Response(_dossier_data(page)))

    @extend_schema(request=DossierInput, responses=OpenApiTypes.OBJECT)
    def put(self, request: Request, client_id: int) -> Response:
        client = dossier_client_for_write(viewer=request.user, client_id=client_id, channel="api")
        body = DossierInput(data=request.data)
        body.is_valid(raise_exception=True)
        assert isinstance(request.user, User)  # noqa: S101 - authenticated by DRF
        if "notes" in body.validated_data:
            dossier_save(actor=request.user, client=client, notes=body.validated_data["notes"])
        if body.validated_data["reviewed"]:
            dossier_mark_reviewed(actor=request.user, client=client)
        page = dossier_get(viewer=request.user, client_id=client_id, channel="api")
        return _no_store(Response(_dossier_data(page)))


def _no_store(response: Response) -> Response:
    # Dossier data must not stay in a browser or proxy cache.
    add_never_cache_headers(response)
    return response


urlpatterns = [
    path("clients/", ClientListView.as_view(), name="client-list"),
    path("clients/<int:client_id>/", ClientDetailView.as_view(), name="client-detail"),
    path(
        "clients/<int:client_id>/contacts/",
        ContactListView.as_view(),
        name="contact-list",
    ),
    path("clients/<int:client_id>/dossier/", DossierView.as_view(), name="dossier"),
]
