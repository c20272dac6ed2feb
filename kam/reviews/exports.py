"""The whole analysis as one XLSX workbook: summary, clients with evidence, answers with
tags, the Pareto table of each side and the tasks. Text cells are escaped against formulas."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kam.core.exporting import xlsx_value
from kam.reviews.choices import OPTIONS, QUESTIONS, Question, Side
from kam.reviews.domain import SideSynthesis
from kam.reviews.models import Analysis, Entry, ReviewTask
from kam.reviews.texts import evidence_text

PERCENT = "0.0"


def _cell(value: Any) -> Any:
    """A value for openpyxl: lazy labels as text, text escaped against formulas."""
    if isinstance(value, Promise):
        value = str(value)
    return xlsx_value(value)


DAY = "DD.MM.YYYY"


def _option_label(question: str, option: str) -> str:
    found = OPTIONS.get(question)
    if not option or found is None:
        return ""
    return str(dict(found[0].choices).get(option, option))


def workbook_bytes(
    analysis: Analysis,
    entries: Sequence[Entry],
    synthesis: dict[str, SideSynthesis],
    tasks: Sequence[ReviewTask],
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()

    def sheet(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        ws = book.create_sheet(title[:31])
        ws.append([xlsx_value(str(h)) for h in headers])
        for row in rows:
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if hasattr(cell.value, "year"):
                    cell.number_format = DAY
                elif isinstance(cell.value, float):
                    cell.number_format = PERCENT

    summary = book.active
    assert summary is not None  # noqa: S101 - a new workbook has one sheet
    summary.title = pgettext("workbook sheet", "Summary")[:31]
    for label, value in (
        (_("Analysis"), analysis.name),
        (_("Analysis date"), analysis.as_of),
        (_("Author"), analysis.author.display_name),
        (_("Satisfied clients"), synthesis[Side.SATISFIED].clients),
        (_("Dissatisfied clients"), synthesis[Side.DISSATISFIED].clients),
    ):
        summary.append([_cell(label), _cell(value)])
        if hasattr(value, "year"):
            summary.cell(row=summary.max_row, column=2).number_format = DAY

    sheet(
        _("Clients"),
        [_("Side"), _("Client"), _("Manager"), _("Evidence (figures)"), _("Evidence (typed in)")],
        [
            [
                Side(e.side).label,
                e.client.name,
                e.client.manager.display_name if e.client.manager else "",
                evidence_text(e.evidence),
                e.evidence_note,
            ]
            for e in entries
        ],
    )
    answer_rows = []
    for e in entries:
        given = {a.question: a for a in e.answers.all()}
        for question in QUESTIONS[e.side]:
            answer = given.get(question)
            if answer is None:
                continue
            answer_rows.append(
                [
                    Side(e.side).label,
                    e.client.name,
                    Question(question).label,
                    _option_label(question, answer.option),
                    answer.text,
                    ", ".join(sorted(t.name for t in answer.tags.all())),
                ]
            )
    sheet(
        _("Answers"),
        [_("Side"), _("Client"), _("Question"), _("Option"), _("Answer"), _("Cause tags")],
        answer_rows,
    )
    for side, title in (
        (Side.SATISFIED, _("Pareto, satisfied")),
        (Side.DISSATISFIED, _("Pareto, dissatisfied")),
    ):
        sheet(
            title,
            [
                _("Cause tag"),
                _("Clients"),
                _("Share, %"),
                _("Cumulative share, %"),
                _("Do first"),
                _("Share of the side's clients, %"),
            ],
            [
                [
                    r.tag,
                    r.count,
                    round(r.share, 1),
                    round(r.cumulative, 1),
                    _("yes") if r.vital else "",
                    round(r.client_share, 1),
                ]
                for r in synthesis[side].rows
            ],
        )
    sheet(
        _("Tasks"),
        [_("Task"), _("Cause"), _("Owner"), _("Due date"), _("Done")],
        [
            [
                t.title,
                t.tag.name if t.tag else "",
                t.owner.display_name,
                t.due,
                _("yes") if t.done else _("no"),
            ]
            for t in tasks
        ],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
