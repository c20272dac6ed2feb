"""Output shapes of the API (reads); inputs are parsed by small input serializers per view."""

from __future__ import annotations

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
