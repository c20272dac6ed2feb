"""The README answers an operator's questions and stays true to the code it describes."""

from __future__ import annotations

import re
from pathlib import Path

from kam.imports.columns import markdown

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_read_by_settings_py_is_documented() -> None:
    source = (ROOT / "kam" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"\"(KAM_[A-Z0-9_]+)\"", source))
    assert len(read) >= 25  # the scan finds them (20 before the e-mail settings)
    missing = sorted(name for name in read if f"`{name}`" not in README)
    assert missing == [], f"undocumented in README.md: {missing}"


def test_the_import_column_block_is_the_generated_one() -> None:
    block = re.search(
        r"<!-- import-columns:start -->\n(.*?)<!-- import-columns:end -->", README, re.S
    )
    assert block is not None
    assert block.group(1) == markdown(), (
        "README.md's column list is stale: replace the block with `python -m kam.imports.columns`"
    )


def test_operator_sections_are_there() -> None:
    for heading in (
        "## Upgrading",
        "## Resetting the demo database",
        "## E-mail",
        "## Backup and restore",
        "## Importing: which columns each kind reads",
    ):
        assert f"\n{heading}\n" in README, heading
    assert "kam migrate" in README.split("## Upgrading")[1].split("\n## ")[0]


def test_links_stay_inside_the_repository() -> None:
    assert "../shared" not in README
    assert (ROOT / "CONTRIBUTING.md").is_file()
    for target in re.findall(r"\]\(([^)#:]+)\)", README):
        # docs/ARCHITECTURE.md is written alongside; every other link must resolve now.
        assert (ROOT / target).exists() or target == "docs/ARCHITECTURE.md", target
