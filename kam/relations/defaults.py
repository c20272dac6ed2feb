"""Default relationship stages and typical bank entries (SPEC §4), loaded by a data migration.

Written for KAM from the rules of the seed and Covey's "7 Habits"; admins change them freely.
"""

from __future__ import annotations

from typing import Any

MATURE_CHECKLIST = "\n".join(
    [
        "Провести с клиентом стратегическую сессию на год вперёд",
        "Познакомить первых лиц наших компаний",
        "Согласовать совместный план развития с контрольными точками",
        "Пригласить клиента выступить экспертом на нашем мероприятии",
        "Заранее поздравить ключевых лиц с их важными датами",
        "Попросить рекомендацию или отзыв о совместной работе",
    ]
)

STAGES: list[dict[str, Any]] = [
    {
        "name": "Знакомство",
        "order": 10,
        "kam_stage": "exploratory",
        "description": "Первые контакты: стороны присматриваются друг к другу.",
        "advice": "Выясните, как устроены закупки клиента и кто входит в закупочный центр. "
        "Обещайте меньше, чем можете, и выполняйте всё в срок.",
    },
    {
        "name": "Ухаживание",
        "order": 20,
        "kam_stage": "basic",
        "description": "Предложения, пробные поставки, переговоры.",
        "advice": "Покажите, что понимаете задачи клиента. Проясняйте ожидания письменно, "
        "чтобы первая сделка не принесла сюрпризов.",
    },
    {
        "name": "Первая сделка («свадьба»)",
        "order": 30,
        "kam_stage": "basic",
        "description": "Первый договор подписан, идёт первая поставка.",
        "advice": "Лично проследите за первой поставкой. После сделки попросите обратную "
        "связь и оценку по шкале 0–10.",
    },
    {
        "name": "Совместная жизнь",
        "order": 40,
        "kam_stage": "cooperative",
        "description": "Регулярные закупки, отношения становятся привычными.",
        "advice": "Привычка расслабляет: спрашивайте экспертное мнение клиента и пользуйтесь "
        "каждым уместным поводом для контакта — днями рождения, важными датами компании.",
    },
    {
        "name": "Бес в ребро",
        "order": 50,
        "kam_stage": "interdependent",
        "is_crisis": True,
        "description": "Кризис: отношения проходят проверку, клиент смотрит на конкурентов.",
        "advice": "Не замалчивайте разногласия — выносите их на разговор и разбирайте вместе. "
        "Прямо спросите, что привлекает клиента у конкурентов. Напомните об общих успехах "
        "прошлых лет. Дайте понять, как и когда до вас можно достучаться: каналы и часы.",
    },
    {
        "name": "Зрелые отношения",
        "order": 60,
        "kam_stage": "integrated",
        "description": "Кризисы позади, партнёрство развивается по плану.",
        "advice": "Развивайте партнёрство осознанно: ведите чек-лист задач для отношений, "
        "назначайте ответственных и сроки, отмечайте сделанное.",
        "checklist_template": MATURE_CHECKLIST,
    },
]

# (kind, title, weight, stage name or None, source, code)
CATALOGUE: list[tuple[str, str, int, str | None, str, str]] = [
    ("deposit", "Вник в задачу собеседника, а не только продавал", 3, None, "Кови", ""),
    ("deposit", "Небольшой знак внимания без повода", 1, None, "Кови", ""),
    ("deposit", "Выполнил обещание в срок", 3, None, "Кови", "kept-promise"),
    ("deposit", "Заранее прояснил ожидания и условия", 2, None, "Кови", ""),
    ("deposit", "Поступил честно, даже себе в убыток", 3, None, "Кови", ""),
    ("deposit", "Искренне извинился за ошибку", 2, None, "Кови", ""),
    ("withdrawal", "Не выслушал, навязывал своё", 3, None, "Кови", ""),
    ("withdrawal", "Проявил невнимательность или резкость", 2, None, "Кови", ""),
    ("withdrawal", "Не выполнил обещание", 4, None, "Кови", ""),
    ("withdrawal", "Оставил ожидания размытыми — отсюда недовольство", 2, None, "Кови", ""),
    ("withdrawal", "Говорил одно в глаза, другое за спиной", 4, None, "Кови", ""),
    ("withdrawal", "Не признал свою ошибку", 3, None, "Кови", ""),
    ("deposit", "Попросил экспертного совета клиента", 2, "Совместная жизнь", "методика", ""),
    ("deposit", "Вспомнил о дне рождения или важной дате", 2, None, "методика", "date"),
    ("withdrawal", "Замял конфликт вместо открытого разговора", 3, "Бес в ребро", "методика", ""),
    (
        "withdrawal",
        "Личный контакт во время 14-дневной паузы",
        3,
        None,
        "методика",
        "pause-contact",
    ),
    ("withdrawal", "Перерыв в контактах дольше графика", 2, None, "методика", "cadence-gap"),
    ("withdrawal", "Негативный контакт", 2, None, "методика", "negative-contact"),
]


def install(stage_model: Any, entry_model: Any) -> None:
    """Create the default stages and typical entries that are missing (idempotent).

    Takes the model classes so that the data migration can pass its historical models.
    """
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
