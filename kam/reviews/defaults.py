"""The starting vocabulary of cause tags, written for KAM (loaded by a data migration, then
admin-editable). Each: (side, name ru, name en)."""

from __future__ import annotations

from typing import Any

TAGS: list[tuple[str, str, str]] = [
    ("satisfied", "Пришёл по рекомендации", "Came through a referral"),
    ("satisfied", "Быстрый ответ на запрос", "Quick reply to a request"),
    ("satisfied", "Поставки точно в срок", "Deliveries exactly on time"),
    ("satisfied", "Менеджер разбирается в задаче клиента", "Manager understands the task"),
    ("satisfied", "Гибкие условия оплаты", "Flexible payment terms"),
    ("satisfied", "Предложили решение сами, до просьбы", "We offered a fix before being asked"),
    ("satisfied", "Один ответственный на всём пути", "One person in charge end to end"),
    ("satisfied", "Знаем всех, кто принимает решение", "We know every decision maker"),
    ("dissatisfied", "Сорваны сроки поставки", "Missed delivery dates"),
    ("dissatisfied", "Потребность понята неверно", "Need misunderstood"),
    ("dissatisfied", "Задача потерялась при передаче внутри компании", "Task lost in hand-over"),
    ("dissatisfied", "Не знали, кто на самом деле решает", "Did not know the real decider"),
    ("dissatisfied", "Обещали больше, чем сделали", "Promised more than we delivered"),
    ("dissatisfied", "Долго отвечаем на обращения", "Slow answers to requests"),
    ("dissatisfied", "Ошибки в документах и счетах", "Errors in documents and invoices"),
    ("dissatisfied", "Брак или низкое качество", "Defects or poor quality"),
    ("both", "Цена и условия", "Price and terms"),
    ("both", "Личный контакт с руководителем клиента", "Personal contact with the client's head"),
    ("both", "Качество продукта", "Product quality"),
    ("both", "Другое", "Other"),
]


def install(tag_model: Any) -> None:
    """Create the starting tags on an empty vocabulary (takes the model class, so the data
    migration can pass its historical one)."""
    if tag_model.objects.exists():
        return
    for index, (side, ru, en) in enumerate(TAGS, start=1):
        tag_model.objects.create(order=index * 10, side=side, name_ru=ru, name_en=en)
