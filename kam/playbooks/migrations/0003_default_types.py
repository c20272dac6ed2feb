from django.db import migrations


def load(apps, schema_editor):
    from kam.playbooks.defaults import ROOT_CAUSES, TYPES

    DifficultType = apps.get_model("playbooks", "DifficultType")
    ChecklistItem = apps.get_model("playbooks", "ChecklistItem")
    RootCause = apps.get_model("playbooks", "RootCause")
    ComplaintCase = apps.get_model("playbooks", "ComplaintCase")
    for order, card in enumerate(TYPES, start=1):
        code, name_ru, name_en, portrait_ru, portrait_en, advice_ru, advice_en, items = card
        kind, created = DifficultType.objects.get_or_create(
            code=code,
            defaults={
                "order": order * 10,
                "name_ru": name_ru,
                "name_en": name_en,
                "portrait_ru": portrait_ru,
                "portrait_en": portrait_en,
                "advice_ru": advice_ru,
                "advice_en": advice_en,
            },
        )
        if created:
            for index, (ru, en) in enumerate(items, start=1):
                ChecklistItem.objects.create(type=kind, order=index, text_ru=ru, text_en=en)
    if not RootCause.objects.exists():
        for index, (ru, en) in enumerate(ROOT_CAUSES, start=1):
            RootCause.objects.create(order=index * 10, name_ru=ru, name_en=en)
    # Cases opened before sources existed came from NPS critics or were typed in by hand.
    ComplaintCase.objects.filter(answer__isnull=False).update(source="nps")
    for case in ComplaintCase.objects.filter(manager__isnull=True).select_related("client"):
        case.manager_id = case.client.manager_id
        case.save(update_fields=["manager"])


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0002_difficult_types"), ("clients", "__first__")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
