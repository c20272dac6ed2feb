from django.db import migrations


def load(apps, schema_editor):
    from kam.playbooks.defaults import install

    install(
        apps.get_model("playbooks", "DifficultType"),
        apps.get_model("playbooks", "ChecklistItem"),
        apps.get_model("playbooks", "RootCause"),
    )
    ComplaintCase = apps.get_model("playbooks", "ComplaintCase")
    # Cases opened before sources existed came from NPS critics or were typed in by hand.
    ComplaintCase.objects.filter(answer__isnull=False).update(source="nps")
    for case in ComplaintCase.objects.filter(manager__isnull=True).select_related("client"):
        case.manager_id = case.client.manager_id
        case.save(update_fields=["manager"])


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0002_difficult_types"), ("clients", "__first__")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
