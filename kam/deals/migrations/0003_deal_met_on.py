"""Deals store their first meeting logged during their life (`met_on`), computed here for the
deals already in KAM; the funnel's covering index carries it instead of searching the log."""

from datetime import date
from typing import Any

from django.db import migrations, models
from django.db.models import DateField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def fill_met_on(apps: Any, schema_editor: Any) -> None:
    # The rule of kam.deals.services.deal_meetings_refresh, on the historical models.
    deal = apps.get_model("deals", "Deal")
    interaction = apps.get_model("relations", "Interaction")
    until = Coalesce(OuterRef("closed"), Value(date.max), output_field=DateField())
    first = Subquery(
        interaction.objects.filter(
            planned=False,
            channel__in=["meeting", "visit"],
            client_id=OuterRef("client_id"),
            date__gte=OuterRef("created"),
            date__lte=until,
        )
        .order_by("date")
        .values("date")[:1]
    )
    deal.objects.update(met_on=first)


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0002_defaults"),
        ("relations", "0008_bank_balance_cover"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="deal",
            name="deal_funnel_cover",
        ),
        migrations.AddField(
            model_name="deal",
            name="met_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="first logged meeting"
            ),
        ),
        migrations.RunPython(fill_met_on, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="deal",
            index=models.Index(
                fields=[
                    "created", "manager", "step", "reached", "status", "met_on", "closed",
                    "client",
                ],
                name="deal_funnel_cover",
            ),
        ),
    ]
