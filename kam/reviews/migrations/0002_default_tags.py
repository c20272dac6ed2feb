from django.db import migrations


def load(apps, schema_editor):
    from kam.reviews.defaults import install

    install(apps.get_model("reviews", "CauseTag"))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
