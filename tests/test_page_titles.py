"""Page titles are plain text: the browser tab and history show words, never markup."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def _templates() -> list[Path]:
    return sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("kam/*/templates/**/*.html")])


def test_title_blocks_hold_no_markup() -> None:
    found = 0
    for path in _templates():
        for block in TITLE_BLOCK.findall(path.read_text(encoding="utf-8")):
            found += 1
            text = re.sub(r"{[%{#].*?[%}#]}", "", block)  # template tags and variables
            assert "<" not in text, f"{path.relative_to(ROOT)}: markup in the title: {block!r}"
            assert "\n" not in block.strip(), f"{path.relative_to(ROOT)}: a multi-line title"
    assert found > 20  # the scan really reads the templates
