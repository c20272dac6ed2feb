"""Default relationship stages and typical bank entries (kam/relations/defaults.py)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from kam.relations.defaults import install

    install(apps.get_model("relations", "RelationshipStage"), apps.get_model("relations", "BankCatalogueEntry"))


class Migration(migrations.Migration):
    dependencies = [("relations", "0002_stages_bank_checklist")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
