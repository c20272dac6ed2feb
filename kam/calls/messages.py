"""Words for the problems the transcript readers and the import report by code."""

from __future__ import annotations

from django.utils.translation import gettext as _


def problem_text(code: str) -> str:
    """A sentence saying what is wrong and what to do."""
    texts = {
        "no_speakers": _(
            "no recognisable speakers: every turn must start with a label such as "
            "«Менеджер:» / «Клиент:» (also Оператор/Абонент, Продавец/Покупатель, "
            "Manager/Client)"
        ),
        "bad_json": _("the file is not valid JSON"),
        "bad_utterance": _("an utterance must be an object with a speaker and a text"),
        "unknown_speaker": _(
            "unknown speaker: use manager/client (or оператор/абонент, продавец/покупатель)"
        ),
        "bad_time": _("a start or end time must be seconds or hh:mm:ss"),
        "bad_date": _("not a date: use YYYY-MM-DD or DD.MM.YYYY, with the time if known"),
        "bad_duration": _("not a duration: use seconds or mm:ss"),
        "too_big": _("the file is larger than 50 MB"),
        "empty": _("the file is empty"),
        "missing_columns": _(
            "missing columns: a CSV of calls needs a call ID (e.g. «ID звонка») and a "
            "transcript (e.g. «Расшифровка»)"
        ),
        "no_id": _("the row has no call ID"),
        "no_files": _("no transcript files (.txt, .json, .csv) were given"),
        "manager_name": _("a manager needs a surname and a first name, or a KAM login"),
        "manager_ambiguous": _("several KAM users have this name; give the login instead"),
        "no_date": _(
            "no call date: add «Дата: YYYY-MM-DD» at the top, a date column, or a date "
            "in the file name"
        ),
        "no_manager": _(
            "no manager: add «Сотрудник: Surname Name» at the top, a manager column, "
            "or choose a manager for the whole import"
        ),
        "no_manager_lines": _("the transcript has no line of the manager"),
        "duplicate_id": _("this call ID occurs twice in the import"),
        "id_too_long": _("the call ID is longer than 200 characters"),
    }
    return texts.get(code, code)
