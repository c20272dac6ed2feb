"""Pieces of the API every app's `api.py` shares (no domain imports)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

ID_MAX = 2**63 - 1  # the largest primary key either database can hold


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


class ManagerSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
