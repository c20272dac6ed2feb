"""The shipped reference notes named the internal source text ("(seed 002)"): drop that tag
from notes an admin has not rewritten."""

from django.db import migrations
from django.db.migrations.state import StateApps
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TAG = " (seed 002)"


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    reference = apps.get_model("deals", "IndustryReference")
    for row in reference.objects.filter(note__contains=TAG):
        row.note = row.note.replace(TAG, "")
        row.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [("deals", "0003_deal_met_on")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
