"""Install the shipped presets (used by the data migration and after a test flush)."""

from __future__ import annotations

from typing import Any

from kam.calls.presets import CHECKLISTS, INDUSTRY_NAMES, LEXICONS, REAL_ESTATE


def install(industry_model: Any, lexicon_model: Any, item_model: Any, settings_model: Any) -> None:
    """Create the missing presets; never overwrite what an admin has edited."""
    for code, words in LEXICONS.items():
        industry, _ = industry_model.objects.get_or_create(
            code=code, defaults={"name": INDUSTRY_NAMES[code]}
        )
        for category, entries in words.items():
            lexicon_model.objects.get_or_create(
                industry=industry, category=category, defaults={"words": "\n".join(entries)}
            )
        if not item_model.objects.filter(industry=industry).exists():
            item_model.objects.bulk_create(
                item_model(
                    industry=industry,
                    check_kind=check.value,
                    weight=weight,
                    threshold=threshold,
                    title=title,
                    position=position,
                )
                for position, (check, weight, threshold, title) in enumerate(CHECKLISTS[code])
            )
    if not settings_model.objects.exists():
        settings_model.objects.create(pk=1, industry=industry_model.objects.get(code=REAL_ESTATE))


def restore(industry: Any, lexicon_model: Any, item_model: Any) -> None:
    """Put an industry's words and checklist back to the shipped preset."""
    words = LEXICONS.get(industry.code)
    if words is None:
        return
    for category, entries in words.items():
        lexicon_model.objects.update_or_create(
            industry=industry, category=category, defaults={"words": "\n".join(entries)}
        )
    item_model.objects.filter(industry=industry).delete()
    item_model.objects.bulk_create(
        item_model(
            industry=industry,
            check_kind=check.value,
            weight=weight,
            threshold=threshold,
            title=title,
            position=position,
        )
        for position, (check, weight, threshold, title) in enumerate(CHECKLISTS[industry.code])
    )
