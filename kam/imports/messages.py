"""Plain-language reasons for every problem code of the importer (translated)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kam.imports.domain import Problem, RowError

REASONS: dict[str, Promise] = {
    "required": _("The cell is empty, but this field is required."),
    "scientific": _(
        "The number is in scientific notation (like 1.23E+15), so Excel has already lost its "
        "digits. Format the column as text in the CRM export and export again."
    ),
    "not_a_number": _("This is not a number."),
    "ambiguous_number": _(
        "It is unclear whether the separator is a decimal or a thousands one: write 1500 or 1,50."
    ),
    "too_many_decimals": _("More than two decimal places."),
    "too_large": _("The number is too large."),
    "date_format": _("This is not a date; write it as dd.mm.yyyy or yyyy-mm-dd."),
    "impossible_date": _("This date does not exist."),
    "year_range": _("The year must be between %(low)s and %(high)s."),
    "inn_digits": _("The INN must contain digits only."),
    "inn_length": _("The INN must have 10 digits (company) or 12 digits (person)."),
    "inn_checksum": _("The INN check digits do not match: the number has a typo."),
    "phone": _("This is not a phone number."),
    "too_long": _("The text is longer than %(limit)s characters."),
    "score": _("The score must be a whole number from 0 to 10."),
    "yes_no": _("Write yes or no."),
    "choice": _("Unknown value; expected one of: %(allowed)s."),
    "email": _("This is not an e-mail address."),
    "duplicate_header": _("Two columns mean the same field (the other one is “%(other)s”)."),
    "missing_column": _(
        "The file has no column for a required field; expected one of: %(expected)s."
    ),
    "client_hidden": _("A client with this INN exists but is not among the clients you see."),
    "client_ambiguous": _("Several clients have this name; add the INN to tell them apart."),
    "client_required": _("The row names neither a client nor an INN."),
    "client_unknown": _("There is no such client in KAM."),
    "client_name_needed": _("A new client needs a name, not only an INN."),
    "manager_name": _("Write the responsible person's last and first name."),
    "manager_ambiguous": _("Several users have this name."),
    "no_manager": _(
        "A new client needs a responsible person: add the column or choose one for the import."
    ),
    "manager_forbidden": _("You cannot assign clients to this person."),
    "extra_cells": _("The row has more cells than the header (%(width)s columns)."),
    "duplicate_id": _("This ID is already on row %(row)s."),
    "currency": _("Only amounts in roubles can be imported."),
    "future": _("The date is in the future."),
    "future_revenue": _(
        "The date is in the future, and revenue is what was sold already. If the file holds "
        "planned revenue on purpose, import it with --allow-future (or tick “future dates "
        "allowed” on the import page)."
    ),
    "group_total": _(
        "This row reads as a group row (no date, and the next rows have no client), but its "
        "sum is not the sum of the rows below it (%(rows)s). Fill in the date or the client."
    ),
    "stage_unknown": _(
        "KAM does not know this deal stage, so it cannot tell whether the deal was won. Stages "
        "in the file: %(found)s. Map each stage to a step (consultation, meeting, proposal, "
        "won, lost): kam import … --stages MAP.csv with lines “stage;step”."
    ),
    "encoding": _("The text encoding is not UTF-8, UTF-16 or Windows-1251."),
    "csv_broken": _("The file cannot be read as CSV from this row on."),
    "too_many_columns": _("The row has more than %(limit)s columns."),
    "cell_too_long": _("A cell is longer than %(limit)s characters."),
    "broken_xlsx": _("The Excel file is damaged or incomplete."),
    "broken_xls": _("The Excel file is damaged or not a spreadsheet."),
    "zip_bomb": _("The Excel file would unpack to an unreasonable size, so it is refused."),
    "empty": _("The file is empty."),
    "too_big": _("The file is larger than %(limit)s MB."),
    "interrupted": _("The import was interrupted; nothing was written. Please start it again."),
    "nps_unavailable": _(
        "NPS answers cannot be imported yet: this installation has no survey answers to write "
        "them to. The file was checked; nothing was written."
    ),
    "rejected": _("The database refused the data: %(detail)s"),
    "unknown_stages": _(
        "These stages are not in the stage map, so KAM cannot tell which funnel step they are: "
        "%(names)s. Map each one to consultation, meeting, proposal, won or lost on the stage "
        "map page (or below, in the preview), or pass --stages MAP.csv with two columns "
        "stage;step. An unknown stage is never taken as won."
    ),
    "not_closed_yet": _("A won or lost deal needs its closing date."),
    "closed_before_created": _("The deal is closed before it was created."),
    "stage_map_file": _("Stage map line %(line)s: %(reason)s"),
}


WARNINGS: dict[str, Promise] = {
    "no_won": _(
        "The file has deal stages, but none of its deals is won: no revenue would be imported."
    ),
}


UNDO_BLOCKERS: dict[str, Promise] = {
    "not_done": _("Only a finished import that was not undone yet can be undone."),
    "nps": _("NPS answers belong to the surveys; an import of them cannot be undone here."),
    "revenue_changed": _(
        "%(count)s revenue rows of this import were changed or removed since: undo refused."
    ),
    "revenue_edited": _("%(count)s revenue rows of this import were edited since."),
    "deals_changed": _(
        "%(count)s deals this import created were changed by a later import or removed since."
    ),
    "later_import": _("A later import (no. %(jobs)s) changed rows of this one; undo it first."),
    "client_used": _("Clients this import created have %(count)s %(what)s added since."),
    "client_edited": _("Clients this import created were edited since (%(count)s changes)."),
    "user_used": _("People this import created have %(count)s %(what)s since."),
    "user_active": _("A person this import created has a password or has logged in since."),
}


def undo_blocker(code: str, params: dict[str, str]) -> str:
    """The translated reason why an import cannot be undone."""
    template = UNDO_BLOCKERS.get(code)
    return str(template) % params if template is not None and params else str(template or code)


def warning(code: str) -> str:
    """The translated sentence for a warning code."""
    template = WARNINGS.get(code)
    return str(template) if template is not None else code


def reason(code: str, params: dict[str, str]) -> str:
    """The translated sentence for a problem code in the active language."""
    template = REASONS.get(code)
    if template is None:
        return gettext("Unexpected problem (%(code)s).") % {"code": code}
    text = str(template)
    return text % params if params else text


def error_as_dict(error: RowError) -> dict[str, object]:
    """An error in the stored form: reasons are translated when shown, not when stored."""
    return {
        "row": error.row,
        "column": error.column,
        "value": error.value,
        "code": error.problem.code,
        "params": dict(error.problem.params),
    }


def problem_reason(problem: Problem) -> str:
    return reason(problem.code, dict(problem.params))
