"""Install the real-estate and generic B2B presets and make real estate the one in use."""

from django.db import migrations


def install(apps, schema_editor):
    from kam.calls.defaults import install as install_presets

    install_presets(
        apps.get_model("calls", "Industry"),
        apps.get_model("calls", "QuestionLexicon"),
        apps.get_model("calls", "ChecklistItem"),
        apps.get_model("calls", "CallSettings"),
    )


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
