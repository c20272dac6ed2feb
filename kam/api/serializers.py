"""Output shapes of the API (reads); inputs are parsed by small input serializers per view."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kam.clients.models import Client, Contact
from kam.relations.choices import ContactChannel, EntryKind, ToneChoice

ID_MAX = 2**63 - 1  # the largest primary key either database can hold
# Required free text: at least one visible character (spaces alone are blank), which the
# schema states as a pattern so that clients know before they send.
VISIBLE_TEXT = r"\S"
SAY_SOMETHING: dict[str, Any] = {
    "invalid": _("Write at least one visible character."),
    "blank": _("Write at least one visible character."),
}


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
            "roles",
        ]


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


class InteractionSerializer(serializers.Serializer[object]):
    """A contact-log entry."""

    id = serializers.IntegerField()
    date = serializers.DateField()
    channel = serializers.CharField()
    personal = serializers.BooleanField()
    tone = serializers.CharField()
    planned = serializers.BooleanField()
    summary = serializers.CharField()
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
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, default=list
    )
    planned = serializers.BooleanField(default=False)
    confirm_pause = serializers.BooleanField(default=False)


class DossierInput(serializers.Serializer[object]):
    """PUT body of a dossier: new notes and/or `reviewed: true` to mark it reviewed today."""

    notes = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    reviewed = serializers.BooleanField(required=False, default=False)


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
