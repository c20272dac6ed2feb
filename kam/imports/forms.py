"""The upload form of the import page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.accounts.access import visible_managers
from kam.accounts.models import User
from kam.imports.services import MAX_UPLOAD_MB

KINDS = [
    ("clients", _("Clients")),
    ("contacts", _("Contacts")),
    ("revenue", _("Revenue (won deals)")),
    ("interactions", _("Contact log")),
    ("nps", _("NPS answers")),
]
PRESETS = [
    ("auto", _("Detect from the headers")),
    ("generic", _("Spreadsheet (Excel/CSV)")),
    ("amocrm", _("amoCRM export")),
    ("bitrix24", _("Bitrix24 export")),
]


class ImportForm(forms.Form):
    """What the file holds, whose export it is, the file, and who gets new clients."""

    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    preset = forms.ChoiceField(label=_("Export format"), choices=PRESETS, initial="auto")
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, UTF-16 or Windows-1251; ; , or tab), XLSX, Bitrix24 .xls"),
    )
    allow_future = forms.BooleanField(
        label=_("Future dates allowed (planned revenue)"),
        required=False,
        help_text=_("Without it, revenue dated after today is an error."),
    )
    manager = forms.ModelChoiceField(
        label=_("Responsible for new clients the file names nobody for"),
        queryset=User.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover
            raise TypeError(field)
        field.queryset = visible_managers(viewer).order_by("last_name", "first_name")
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."), params={"limit": MAX_UPLOAD_MB}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
