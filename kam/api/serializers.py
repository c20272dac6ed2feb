"""Output shapes of the API (reads); inputs are parsed by small input serializers per view."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from kam.clients.models import Client, Contact


class ManagerSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


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
            "attitude",
            "influence",
            "roles",
            "notes",
        ]


class WindowParams(serializers.Serializer[object]):
    """`from` and `to` query parameters (inclusive dates)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword, so the fields are declared here.
        return {
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"from": "The window starts after it ends."})
        return attrs
