"""Default stage map (standard amoCRM and Bitrix24 pipelines) and industry reference ranges.

Loaded by a data migration; admins change both on the settings pages. The stage names are
the ones each CRM creates in a new account's first pipeline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kam.deals.domain import fold

STAGES: list[tuple[str, str, str]] = [
    # amoCRM: «Неразобранное» and the two closed stages are system stages of every pipeline.
    ("amocrm", "Неразобранное", "consultation"),
    ("amocrm", "Первичный контакт", "consultation"),
    ("amocrm", "Переговоры", "meeting"),
    ("amocrm", "Принимают решение", "proposal"),
    ("amocrm", "Согласование договора", "proposal"),
    ("amocrm", "Успешно реализовано", "won"),
    ("amocrm", "Закрыто и не реализовано", "lost"),
    # Bitrix24: the stages of the general deal pipeline (STATUS_ID NEW … APOLOGY).
    ("bitrix24", "Новая", "consultation"),
    ("bitrix24", "Подготовка документов", "meeting"),
    ("bitrix24", "Счёт на предоплату", "proposal"),
    ("bitrix24", "В работе", "proposal"),
    ("bitrix24", "Финальный счёт", "proposal"),
    ("bitrix24", "Сделка успешна", "won"),
    ("bitrix24", "Сделка провалена", "lost"),
    ("bitrix24", "Анализ причины провала", "lost"),
    # Plain names a spreadsheet or a renamed pipeline often uses.
    ("", "Консультация", "consultation"),
    ("", "Встреча", "meeting"),
    ("", "Показ", "meeting"),
    ("", "Экскурсия", "meeting"),
    ("", "Коммерческое предложение", "proposal"),
    ("", "Выиграна", "won"),
    ("", "Проиграна", "lost"),
    ("", "Won", "won"),
    ("", "Closed won", "won"),
    ("", "Lost", "lost"),
    ("", "Closed lost", "lost"),
]

REFERENCES: list[dict[str, Any]] = [
    {
        "industry": "Недвижимость: агентство",
        "transition": "consultation_meeting",
        "low": Decimal(5),
        "high": Decimal(7),
        "note": "Из 100 телефонных консультаций до показа доходят 5–7 клиентов.",
        "order": 10,
    },
    {
        "industry": "Недвижимость: агентство",
        "transition": "meeting_won",
        "low": Decimal(20),
        "high": Decimal(40),
        "note": "Средняя конверсия показов в сделки у агентств по России.",
        "order": 20,
    },
    {
        "industry": "Недвижимость: отдел продаж застройщика",
        "transition": "meeting_won",
        "low": None,
        "high": Decimal(70),
        "note": "В отделах продаж застройщиков — до 70%.",
        "order": 30,
    },
    {
        "industry": "B2B, общий случай",
        "transition": "consultation_meeting",
        "low": Decimal(10),
        "high": Decimal(30),
        "note": "Отправная точка без исследования за ней: замените цифрами своего рынка.",
        "order": 40,
    },
    {
        "industry": "B2B, общий случай",
        "transition": "meeting_won",
        "low": Decimal(20),
        "high": Decimal(40),
        "note": "Отправная точка без исследования за ней: замените цифрами своего рынка.",
        "order": 50,
    },
]


def install(mapping_model: Any, reference_model: Any) -> None:
    """Create the default stage names and reference ranges that are missing (idempotent)."""
    for crm, name, step in STAGES:
        mapping_model.objects.get_or_create(
            folded=fold(name), defaults={"name": name, "step": step, "crm": crm}
        )
    for data in REFERENCES:
        reference_model.objects.get_or_create(
            industry=data["industry"], transition=data["transition"], defaults=data
        )
