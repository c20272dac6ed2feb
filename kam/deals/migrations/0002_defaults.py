"""Default stage map and reference ranges (kam/deals/defaults.py)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from kam.deals.defaults import install

    install(apps.get_model("deals", "StageMapping"), apps.get_model("deals", "IndustryReference"))


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
