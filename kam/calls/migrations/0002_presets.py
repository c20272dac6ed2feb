"""Install the real-estate and generic B2B presets and make real estate the one in use."""

from django.db import migrations


def install(apps, schema_editor):
    from kam.calls.presets import CHECKLISTS, INDUSTRY_NAMES, LEXICONS, REAL_ESTATE

    Industry = apps.get_model("calls", "Industry")
    QuestionLexicon = apps.get_model("calls", "QuestionLexicon")
    ChecklistItem = apps.get_model("calls", "ChecklistItem")
    CallSettings = apps.get_model("calls", "CallSettings")
    for code, words in LEXICONS.items():
        industry, _ = Industry.objects.get_or_create(
            code=code, defaults={"name": INDUSTRY_NAMES[code]}
        )
        for category, entries in words.items():
            QuestionLexicon.objects.get_or_create(
                industry=industry, category=category, defaults={"words": "\n".join(entries)}
            )
        if not ChecklistItem.objects.filter(industry=industry).exists():
            for position, (check, weight, threshold, title) in enumerate(CHECKLISTS[code]):
                ChecklistItem.objects.create(
                    industry=industry,
                    check_kind=check.value,
                    weight=weight,
                    threshold=threshold,
                    title=title,
                    position=position,
                )
    if not CallSettings.objects.exists():
        CallSettings.objects.create(pk=1, industry=Industry.objects.get(code=REAL_ESTATE))


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
