"""`{% import_column_guide as guide %}`: the columns each kind reads, for the import page."""

from __future__ import annotations

from typing import Any

from django import template

from kam.imports.columns import CRM_PRESETS, kind_guide
from kam.imports.domain import Kind

register = template.Library()


@register.simple_tag
def import_column_guide() -> list[dict[str, Any]]:
    """Per kind: its label and fields (label, required, header names per preset)."""
    from kam.imports.forms import KINDS
    from kam.imports.views import FIELD_LABELS

    labels = dict(KINDS)
    names = {"amocrm": "amoCRM", "bitrix24": "Bitrix24"}
    guide = []
    for kind in Kind:
        fields = kind_guide(kind)
        guide.append(
            {
                "kind": kind.value,
                "label": labels.get(kind.value, kind.value),
                "fields": [
                    {
                        "label": FIELD_LABELS.get(f.name, f.name),
                        "required": f.required,
                        "headers": f.headers,
                        "crm": [
                            (names[p.value], f.crm_headers[p])
                            for p in CRM_PRESETS
                            if p in f.crm_headers
                        ],
                    }
                    for f in fields
                ],
                "needs_name": kind is Kind.CONTACTS,
                "contact_counts": kind is Kind.REVENUE,
            }
        )
    return guide
