"""What KAM knows about CRM exports (no Django): column names, deal stages, amounts.

One place for the column knowledge of amoCRM and Bitrix24 exports, so every import kind that
reads a deals export (revenue today, the deals of the funnel next) reads it the same way:

- Bitrix24's deal export has no «Дата закрытия». Its CLOSEDATE column is «Предполагаемая дата
  закрытия» (for a won deal it is the day the deal closed), next to «Дата начала», «Дата
  создания», «Дата изменения» and «Сделка закрыта» (да/нет). The default amount column is
  «Сумма/Валюта» with the currency inside the cell (`150 000 руб.`). With product columns
  selected, every product is a line of its own with the deal's ID repeated; the amounts are per
  line and add up to the deal.
- amoCRM writes «Бюджет», «Этап сделки» and «Дата закрытия» (empty or «не закрыта» while open).

Stage names map to funnel steps; a stage KAM does not know is never taken as won.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

STEPS = ("consultation", "meeting", "proposal", "won", "lost")


@dataclass(frozen=True)
class CrmPreset:
    """Column aliases (folded as `domain.normalize_header` folds) and deal stages of an export."""

    name: str
    columns: Mapping[str, tuple[str, ...]]
    stages: Mapping[str, str] = field(default_factory=dict)
    # Headers that tell this export apart from others (any one of them is enough).
    markers: frozenset[str] = frozenset()
    # Fields present only when the export has one line per product of a deal.
    product_fields: tuple[str, ...] = ()


AMOCRM = CrmPreset(
    name="amocrm",
    columns={
        "external_id": ("id",),
        "deal": ("название сделки",),
        "amount": ("бюджет",),
        "manager": ("ответственный",),
        "date": ("дата закрытия",),
        "created": ("дата создания",),
        "stage": ("этап сделки", "этап"),
        "pipeline": ("воронка",),
        "client": ("компания", "название компании"),
        "full_name": ("полное имя контакта", "полное имя", "основной контакт"),
        "phone": ("рабочий телефон", "телефон"),
        "mobile_phone": ("мобильный телефон",),
        "email": ("рабочий email", "личный email", "email"),
        "position": ("должность",),
        "birthday": ("день рождения",),
        "source": ("источник",),
    },
    stages={
        "неразобранное": "consultation",
        "первичный контакт": "consultation",
        "переговоры": "meeting",
        "принимают решение": "proposal",
        "согласование договора": "proposal",
        "успешно реализовано": "won",
        "закрыто и не реализовано": "lost",
        "142": "won",  # amoCRM's fixed status ids of won and lost
        "143": "lost",
    },
    markers=frozenset({"этап сделки", "полное имя контакта", "бюджет"}),
)

BITRIX24 = CrmPreset(
    name="bitrix24",
    columns={
        "external_id": ("id",),
        "deal": ("название сделки", "название"),
        # «Сумма/Валюта» is the default column of the export; «Сумма» when chosen by hand.
        "amount": ("сумма/валюта", "сумма и валюта", "сумма"),
        "currency": ("валюта",),
        "manager": ("ответственный",),
        # CLOSEDATE: for a won deal the day it closed.
        "date": (
            "предполагаемая дата закрытия",
            "дата завершения",
            "дата закрытия",
            "дата изменения стадии",
        ),
        "closed": ("сделка закрыта", "закрыта"),
        "created": ("дата создания",),
        "begin": ("дата начала",),
        "modified": ("дата изменения",),
        "stage": ("стадия сделки", "стадия"),
        "pipeline": ("воронка", "направление"),
        "client": ("компания", "название компании"),
        "full_name": ("контакт", "имя, фамилия", "фио"),
        "phone": ("рабочий телефон", "телефон"),
        "mobile_phone": ("мобильный телефон",),
        "email": ("рабочий e-mail", "e-mail", "email"),
        "position": ("должность",),
        "birthday": ("дата рождения",),
        "source": ("источник",),
        "product": ("товар", "товары", "название товара", "продукт"),
        "price": ("цена",),
        "quantity": ("количество", "кол-во"),
    },
    stages={
        "новая": "consultation",
        "в работе": "meeting",
        "подготовка документов": "proposal",
        "счет на предоплату": "proposal",
        "финальный счет": "proposal",
        "сделка успешна": "won",
        "сделка провалена": "lost",
        "анализ причины провала": "lost",
        # STAGE_ID codes, as the REST export and some CSV templates write them.
        "new": "consultation",
        "executing": "meeting",
        "preparation": "proposal",
        "prepayment_invoice": "proposal",
        "final_invoice": "proposal",
        "won": "won",
        "lose": "lost",
        "apology": "lost",
    },
    markers=frozenset(
        {"стадия сделки", "сумма/валюта", "предполагаемая дата закрытия", "сделка закрыта"}
    ),
    product_fields=("product", "price", "quantity"),
)

# Stage names any export may use (hand-made sheets, English CRMs).
GENERIC_STAGES: dict[str, str] = {
    "выиграна": "won",
    "успешная сделка": "won",
    "сделка успешна": "won",
    "оплачена": "won",
    "won": "won",
    "closed won": "won",
    "проиграна": "lost",
    "lost": "lost",
    "closed lost": "lost",
}

PRESETS: dict[str, CrmPreset] = {p.name: p for p in (AMOCRM, BITRIX24)}


def default_stage_map() -> dict[str, str]:
    """Every stage name KAM knows by default (folded) → funnel step."""
    out = dict(GENERIC_STAGES)
    for preset in PRESETS.values():
        out.update(preset.stages)
    return out


def fold_stage(text: str) -> str:
    """A stage name folded for lookup: case, ё, spaces (the same folding as headers)."""
    return " ".join(text.replace("\ufeff", "").split()).casefold().replace("ё", "е")


def parse_stage_map(lines: Iterable[str]) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """A stage map from lines of `stage;step` (a header line is optional; `,` or tab work).

    Returns the map (folded stage → step) and the lines that could not be read, as
    (line number, text).
    """
    out: dict[str, str] = {}
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        text = line.strip().lstrip("\ufeff")
        if not text:
            continue
        for sep in (";", "\t", ","):
            if sep in text:
                stage, _sep, step = text.rpartition(sep)
                break
        else:
            bad.append((number, text))
            continue
        stage, step = fold_stage(stage.strip().strip('"')), fold_stage(step.strip().strip('"'))
        if number == 1 and step not in STEPS:
            continue  # a header line
        if not stage or step not in STEPS:
            bad.append((number, text))
            continue
        out[stage] = step
    return out, bad
