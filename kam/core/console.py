"""Report output of the `kam` command: rich tables on a terminal, plain text when redirected.

On a terminal the tables fit the window. Written to a file or a pipe, nothing is cut: lines are
never wrapped and every table is tab-separated (a title line starting with "#", a header line,
then one line per row), ready for `cut`, `sort` or a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO

from rich.console import Console
from rich.table import Table


class ReportConsole:
    """Where a CLI report prints its lines and tables."""

    def __init__(self, file: IO[str] | None = None, *, terminal: bool | None = None) -> None:
        probe = Console(file=file, force_terminal=terminal, width=100 if terminal else None)
        self.terminal = probe.is_terminal
        # Off a terminal rich would still wrap at 80 columns: soft wrap keeps lines whole.
        self.console = probe if self.terminal else Console(file=file, soft_wrap=True)

    def line(self, text: str) -> None:
        """A line of text (rich markup allowed; styles are dropped off a terminal)."""
        self.console.print(text)

    def table(
        self,
        columns: Sequence[str],
        rows: Iterable[Sequence[str]],
        *,
        title: str | None = None,
    ) -> None:
        """A table: boxed on a terminal, tab-separated otherwise."""
        if self.terminal:
            table = Table(*columns, title=title)
            for row in rows:
                table.add_row(*(_escape(cell) for cell in row))
            self.console.print(table)
            return
        out = self.console.file
        if title:
            out.write(f"# {_plain(title)}\n")
        out.write("\t".join(_plain(c) for c in columns) + "\n")
        for row in rows:
            out.write("\t".join(_plain(cell) for cell in row) + "\n")
        out.write("\n")
        out.flush()


def _escape(cell: str) -> str:
    from rich.markup import escape

    return escape(cell)  # a client named "[bold]…" is text, not markup


def _plain(cell: str) -> str:
    # A tab or a line break inside a value would shift the columns of a tab-separated line.
    return " ".join(cell.split("\t")).replace("\r", " ").replace("\n", " ")
