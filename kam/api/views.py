"""API v1 endpoints: their querysets are the apps' selectors, scoped to the caller."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kam.accounts.access import client_get
from kam.api.serializers import ClientSerializer, ContactSerializer, WindowParams
from kam.clients.models import Client, Contact
from kam.clients.selectors import ClientFilters, client_list
from kam.portfolio.domain import Window
from kam.portfolio.reporting import report_as_dict
from kam.portfolio.selectors import default_window, portfolio_report


class ClientListView(generics.ListAPIView[Client]):
    """Visible clients, paginated; `?q=` searches name or INN, `?status=archived|all`."""

    serializer_class = ClientSerializer

    def get_queryset(self) -> QuerySet[Client]:
        params = self.request.query_params
        status = params.get("status", "active")
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
        if start or end:
            window = Window(start=start or window.start, end=end or window.end)
        return Response(report_as_dict(portfolio_report(viewer=request.user, window=window)))
