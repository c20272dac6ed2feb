"""The starting cards of the ten difficult-client types and the starting root causes.

Written for KAM from the facts of seed 002 (the types and how to work with each); loaded by a
data migration, then admin-editable. Each card: (code, name ru, name en, portrait ru, portrait
en, advice ru, advice en, checklist [(ru, en)])."""

from __future__ import annotations

from typing import Any

TypeCard = tuple[str, str, str, str, str, str, str, list[tuple[str, str]]]

TYPES: list[TypeCard] = [
    (
        "know_nothing",
        "Незнайка",
        "Know-nothing",
        "Покупку сделать нужно, но в предмете он разбирается слабо: термины не понимает, "
        "выбрать не может и откладывает решение.",
        "Needs to buy but knows little of the subject: the terms lose him, he cannot choose "
        "and keeps postponing.",
        "Говорите без профессионального жаргона: клиент не обязан знать то же, что и вы.\n"
        "Объясняйте каждую характеристику простыми словами и на примере его задачи.\n"
        "Спрашивайте, что ещё нужно пояснить, и присылайте это письменно.",
        "Drop the jargon: the client does not have to know what you know.\n"
        "Explain every feature in plain words, on the example of his own task.\n"
        "Ask what else needs explaining and send it in writing.",
        [
            ("Отправлена памятка о продукте простыми словами", "Plain-words product sheet sent"),
            (
                "Выбор сведён к двум-трём понятным вариантам",
                "Choice narrowed to two or three clear options",
            ),
        ],
    ),
    (
        "seven_fridays",
        "Семь пятниц на неделе",
        "Seven Fridays a week",
        "Переносит встречи и звонки, не выполняет обещанного, находит причины не отвечать, "
        "а после сделки задерживает оплату.",
        "Moves meetings and calls, does not keep promises, finds reasons not to answer, and "
        "pays late after the deal.",
        "После каждого контакта отправляйте письменный протокол и договорённости.\n"
        "Прописывайте в договоре каждый пункт максимально подробно.\n"
        "Ищите второе контактное лицо у клиента.\n"
        "Добивайтесь предоплаты, поручительства или залога.",
        "After every contact send written minutes and the agreements.\n"
        "Spell out every clause of the contract in detail.\n"
        "Find a second contact person at the client.\n"
        "Aim for prepayment, a guarantee or a deposit.",
        [
            ("Протокол последней встречи отправлен клиенту", "Minutes of the last meeting sent"),
            ("Есть альтернативное контактное лицо", "An alternative contact is known"),
            ("Условия оплаты: предоплата или гарантия", "Payment terms: prepayment or a guarantee"),
        ],
    ),
    (
        "lazy",
        "Ленивый",
        "Lazy one",
        "Чаще всего закупщик госпредприятия: новый поставщик для него — лишняя беготня за "
        "подписями, и проявлять активность он не хочет.",
        "Most often a state buyer: a new supplier means running around for signatures, and "
        "he does not want the effort.",
        "Наладьте личный контакт и возьмите на себя часть его работы.\n"
        "Покажите возможность: что получит предприятие и он сам как ответственный.\n"
        "Покажите риск: что компания потеряет без вас.\n"
        "Выход на руководство через его голову — крайняя мера: испорченные отношения "
        "обойдутся дороже первой сделки.",
        "Build a personal contact and take part of his work on yourself.\n"
        "Show the opportunity: what the company gains, and he as the one responsible.\n"
        "Show the risk: what the company loses without you.\n"
        "Going over his head is a last resort: a spoiled relationship costs more than the "
        "first deal.",
        [
            ("Подготовлены документы за закупщика", "Paperwork prepared for the buyer"),
            (
                "Найден второй, более высокий контакт в закупочном центре",
                "A second, higher contact found in the buying centre",
            ),
        ],
    ),
    (
        "scrooge",
        "Скрудж",
        "Scrooge",
        "Считает каждую копейку, требует максимальной скидки, берёт дешёвое и потом "
        "недоволен качеством; через месяцы ссылается на старые цены из предложения.",
        "Counts every kopeck, demands the biggest discount, takes the cheapest and then "
        "complains of quality; months later quotes the old prices from a proposal.",
        "Честно решите, ваш ли это клиент и сколько времени вы готовы на него тратить.\n"
        "Требуйте подробное техническое задание: оно обосновывает цену и защищает от "
        "претензий к качеству.\n"
        "Фиксируйте каждый шаг письменно: протокол и договорённости после каждой встречи.\n"
        "Указывайте в каждом предложении срок действия цены.",
        "Decide honestly whether this client is yours and how much time he is worth.\n"
        "Ask for a detailed specification: it justifies the price and guards against quality "
        "claims.\n"
        "Put every step in writing: minutes and agreements after each meeting.\n"
        "State a price-validity date in every proposal.",
        [
            ("Получено техническое задание", "Specification received"),
            (
                "В предложении указан срок действия цены",
                "The proposal states a price-validity date",
            ),
        ],
    ),
    (
        "disloyal",
        "Нелояльный («я ещё посмотрю»)",
        'Disloyal ("I\'ll look around")',
        "Не ценит долгих отношений, легко меняет поставщика и покупает импульсивно.",
        "Does not value a long relationship, changes suppliers easily and buys on impulse.",
        "Держите руку на пульсе: частые контакты не оставляют окна для конкурента.\n"
        "Предпочитайте личный визит телефонному звонку.\n"
        "Подчёркивайте партнёрский, почти дружеский характер отношений.\n"
        "Показывайте выгоды долгого сотрудничества.",
        "Keep a hand on the pulse: frequent contact leaves no gap for a competitor.\n"
        "Prefer a visit to a phone call.\n"
        "Stress the partnership, almost friendship, between you.\n"
        "Show the benefits of working together for years.",
        [
            ("Назначен личный визит", "A visit is booked"),
            (
                "Клиенту показана выгода долгосрочного договора",
                "The client has seen the gain of a long-term contract",
            ),
        ],
    ),
    (
        "whiner",
        "Нытик",
        "Whiner",
        "Пессимист: перебирает все «а если», задаёт множество вопросов и в каждом ответе "
        "ищет подвох.",
        'A pessimist who goes through every "what if", asks endless questions and sees a '
        "trick in every answer.",
        "Запаситесь терпением.\n"
        "Начинайте с отвлечённых тем и только потом переходите к сделке.\n"
        "Держите в голосе спокойный, умеренный позитив.\n"
        "Опережайте вопросы: сами назовите возможные риски и как вы их снимаете ещё в "
        "договоре.",
        "Be patient.\n"
        "Start with other topics before moving to the deal.\n"
        "Keep a calm, moderate optimism in your voice.\n"
        "Get ahead of the questions: name the possible risks yourself and how the contract "
        "removes them.",
        [
            (
                "Перед встречей составлен список рисков и ответов",
                "Risks and answers listed before the meeting",
            ),
            (
                "Риски и их снятие отражены в договоре",
                "Risks and their remedies are in the contract",
            ),
        ],
    ),
    (
        "conservative",
        "Консерватор",
        "Conservative",
        "Держится своих давних принципов и не слышит предложений, которые не укладываются в "
        "его картину мира; новое вызывает недоверие.",
        "Holds to long-standing principles and does not hear offers outside his picture of "
        "the world; anything new is suspect.",
        "Объясняйте преимущества на конкретных примерах с его рынка.\n"
        "Не требуйте отказаться от нынешних поставщиков: предложите пробную партию.\n"
        "Покажите, что цените проверенное временем, и лишь затем раскрывайте новое.\n"
        "Ссылайтесь на мнение людей, которым он доверяет; ищите союзника в его окружении.",
        "Explain the advantages on concrete cases from his market.\n"
        "Do not ask him to drop his suppliers: offer a pilot order.\n"
        "Show that you value what has stood the test of time, then unfold the new.\n"
        "Refer to people he trusts; look for an ally around him.",
        [
            ("Предложен пробный заказ", "A pilot order offered"),
            (
                "Есть рекомендация от авторитетного для клиента человека",
                "A reference from someone the client trusts",
            ),
        ],
    ),
    (
        "show_off",
        "Понты («король мира»)",
        'Show-off ("king of the world")',
        "Ведёт переговоры свысока, пока не почувствует в собеседнике стержень и не начнёт "
        "говорить на равных.",
        "Negotiates from above until he feels a backbone in you and starts talking as an equal.",
        "Держитесь на равных: не выше и не ниже.\n"
        "Покажите, что лично он выигрывает от покупки у вас.\n"
        "Стойте на своём; уступка — только в обмен на ответную уступку.\n"
        "Предложите эксклюзив, даже если он дороже.",
        "Stay level: neither above him nor below.\n"
        "Show what he personally wins by buying from you.\n"
        "Hold your ground; a concession only in exchange for one.\n"
        "Offer something exclusive, even at a higher price.",
        [
            ("Подготовлено эксклюзивное предложение", "An exclusive offer prepared"),
            ("Каждая уступка обменяна на ответную", "Every concession traded for one in return"),
        ],
    ),
    (
        "our_blunder",
        "Наш косяк",
        "Our blunder",
        "Не работает с нами из-за прошлой ошибки — нашей или коллег; обида может жить годами.",
        "Will not work with us because of a past mistake, ours or a colleague's; the grudge "
        "can last for years.",
        "Помните, что обида живёт годами, и не ждите быстрого примирения.\n"
        "Пройдите алгоритм работы с жалобой: выслушать, посочувствовать и извиниться, "
        "найти решение, поблагодарить, сразу действовать.\n"
        "Выясните настоящую причину отказа.\n"
        "Покажите, что изменилось, чтобы ошибка не повторилась.\n"
        "Если обида личная, отпустите клиента с извинениями и продолжайте показывать "
        "профессионализм.",
        "Remember that a grudge lives for years; do not expect a quick reconciliation.\n"
        "Follow the complaint algorithm: listen, sympathise and apologise, find the solution, "
        "thank, act at once.\n"
        "Find the real reason for the refusal.\n"
        "Show what changed so that the mistake does not repeat.\n"
        "If the grudge is personal, let the client go with an apology and keep showing your "
        "professionalism.",
        [
            ("Причина прошлой ошибки выяснена", "The cause of the past mistake found"),
            ("Клиенту показано, что изменилось", "The client has seen what changed"),
        ],
    ),
    (
        "brawler",
        "Скандалист",
        "Brawler",
        "Ищет повод для ссоры, угрожает, пишет жалобы во все инстанции и переворачивает "
        "любые доводы в новый повод.",
        "Looks for a reason to fight, threatens, writes complaints everywhere and turns any "
        "argument into a new grievance.",
        "Сохраняйте спокойствие и не показывайте эмоций.\n"
        "Отвечайте обычным ровным тоном и ищите решение вопроса.\n"
        "Опирайтесь на договор, регламенты и законы.\n"
        "Предложите изложить претензию письменно.\n"
        "Аудио- и видеозапись охлаждает, но клиента нужно предупредить о ней заранее.",
        "Stay calm and show no emotion.\n"
        "Answer in an ordinary, even tone and look for the solution.\n"
        "Lean on the contract, regulations and the law.\n"
        "Ask for the complaint in writing.\n"
        "A recording cools things down, but the client must be told about it beforehand.",
        [
            ("Претензия получена в письменном виде", "The complaint received in writing"),
            ("Клиент предупреждён о записи разговора", "The client was told about the recording"),
        ],
    ),
]

ROOT_CAUSES: list[tuple[str, str]] = [
    ("Сроки поставки", "Delivery times"),
    ("Качество продукта", "Product quality"),
    ("Ошибка в документах или счёте", "Error in documents or invoice"),
    ("Поведение менеджера", "Manager's conduct"),
    ("Цена и условия оплаты", "Price and payment terms"),
    ("Нарушенное обещание", "Broken promise"),
    ("Сервис и поддержка", "Service and support"),
    ("Другое", "Other"),
]


def install(type_model: Any, item_model: Any, cause_model: Any) -> None:
    """Create the missing types (with their checklists) and, on an empty list, the root causes;
    takes the model classes so the data migration can pass its historical ones."""
    for order, card in enumerate(TYPES, start=1):
        code, name_ru, name_en, portrait_ru, portrait_en, advice_ru, advice_en, items = card
        kind, created = type_model.objects.get_or_create(
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
                item_model.objects.create(type=kind, order=index, text_ru=ru, text_en=en)
    if not cause_model.objects.exists():
        for index, (ru, en) in enumerate(ROOT_CAUSES, start=1):
            cause_model.objects.create(order=index * 10, name_ru=ru, name_en=en)
