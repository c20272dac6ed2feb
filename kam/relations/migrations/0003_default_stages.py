"""Default relationship stages and typical bank entries (kam/relations/defaults.py)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from kam.relations.defaults import CATALOGUE, STAGES

    stage_model = apps.get_model("relations", "RelationshipStage")
    entry_model = apps.get_model("relations", "BankCatalogueEntry")
    stages = {}
    for data in STAGES:
        stage, _created = stage_model.objects.get_or_create(name=data["name"], defaults=data)
        stages[stage.name] = stage
    for kind, title, weight, stage_name, source, code in CATALOGUE:
        entry_model.objects.get_or_create(
            kind=kind,
            title=title,
            defaults={
                "weight": weight,
                "stage": stages.get(stage_name) if stage_name else None,
                "source": source,
                "code": code,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("relations", "0002_stages_bank_checklist")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
