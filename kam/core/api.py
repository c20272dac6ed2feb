"""Pieces of the API every app's `api.py` shares (no domain imports)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

ID_MAX = 2**63 - 1  # the largest primary key either database can hold
# Required free text: at least one visible character (spaces alone are blank) and no NUL byte
# (neither database keeps one in text; DRF refuses it), which the schema states as a pattern
# so that clients know before they send.
VISIBLE_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"
# Optional free text: anything but a NUL byte.
NO_NUL = r"^[^\x00]*$"
SAY_SOMETHING: dict[str, Any] = {
    "invalid": _("Write at least one visible character."),
    "blank": _("Write at least one visible character."),
}


class WindowParams(serializers.Serializer[object]):
    """`from` and `to` query parameters (inclusive dates; swapped when given the wrong way
    round; sent empty they are refused)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword, so the fields are declared here.
        return {
            "from": serializers.DateField(required=False),
            "to": serializers.DateField(required=False),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # DRF takes an optional field sent empty (`?to=`) as absent; the schema says a date.
        blank = {
            name: [_("Enter a date as YYYY-MM-DD or leave the parameter out.")]
            for name in ("from", "to")
            if name in self.initial_data and not str(self.initial_data.get(name)).strip()
        }
        if blank:
            raise serializers.ValidationError(blank)
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            # Bounds given the wrong way round are swapped, as on the pages (a schema cannot
            # state an order between two parameters, so refusing them breaks clients).
            attrs["from"], attrs["to"] = end, start
        return attrs


class ManagerSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class Pagination(PageNumberPagination):
    """DRF's page numbers, except that `?page=` sent empty is refused like any other bad
    value instead of meaning the first page (the schema says an integer)."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.strip():
            raise ValidationError({self.page_query_param: [_("Enter a page number.")]})
        return super().paginate_queryset(queryset, request, view)


# Django REST framework messages its Russian catalogue lacks; listed here so that ours
# translates them (the project's locale comes first).
DRF_MESSAGES_WITHOUT_RUSSIAN = [gettext_noop("Must be a valid boolean.")]
