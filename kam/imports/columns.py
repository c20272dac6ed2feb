"""Which columns each import kind reads, generated from the importer's own definitions.

`kam import --help`, the import page and the README all show this guide, so it stays what
`map_columns` actually accepts: the fields of `KIND_FIELDS`, the required ones of `REQUIRED`, and
the header names of `aliases(preset)`. Pure (no Django).

    python -m kam.imports.columns        # the README block (Markdown)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from kam.imports.domain import COMBINED_ONLY, KIND_FIELDS, REQUIRED, Kind, Preset, aliases

CRM_PRESETS = (Preset.AMOCRM, Preset.BITRIX24)
PRESET_NAMES = {Preset.GENERIC: "any table", Preset.AMOCRM: "amoCRM", Preset.BITRIX24: "Bitrix24"}


@dataclass(frozen=True, slots=True)
class FieldGuide:
    """A field a kind reads: whether it is required, and the headers that fill it."""

    name: str
    required: bool
    headers: tuple[str, ...]  # any file (the generic names)
    crm_headers: dict[Preset, tuple[str, ...]]  # a CRM preset's own names, beyond the generic


def kind_guide(kind: Kind) -> list[FieldGuide]:
    """The fields of `kind` in the importer's order, each with the headers that fill it."""
    generic = aliases(Preset.GENERIC)
    crm = {preset: aliases(preset) for preset in CRM_PRESETS}
    guide = []
    for name in KIND_FIELDS[kind]:
        if name in COMBINED_ONLY:
            continue
        own = {
            preset: tuple(h for h in table.get(name, ()) if h not in generic.get(name, ()))
            for preset, table in crm.items()
        }
        headers = generic.get(name, ())
        if not headers and not any(own.values()):
            continue  # a field no header can fill under any preset
        guide.append(
            FieldGuide(name, name in REQUIRED[kind], headers, {p: h for p, h in own.items() if h})
        )
    return guide


def kind_rule(kind: Kind) -> str:
    """What a file of `kind` must contain (the checks of map_columns), as one phrase."""
    required = [f.name for f in kind_guide(kind) if f.required]
    client = "a client column (client or inn"
    client += ", or a contact's full_name)" if kind is Kind.REVENUE else ")"
    parts = [*required, client]
    if kind is Kind.CONTACTS:
        parts.append("a name (full_name, first_name or last_name)")
    if kind is Kind.REVENUE:
        parts.append("for an amoCRM or Bitrix24 export, the deal stage")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def _quoted(headers: tuple[str, ...], quote: str) -> str:
    # Quoted one by one: Bitrix24's «Имя, Фамилия» is a single header with a comma in it.
    return ", ".join(f"{quote}{h}{quote}" for h in headers)


def help_text() -> str:
    """The guide as plain text for `kam import --help`."""
    lines = [
        "Columns by kind: a header matches ignoring case, ё/е, spaces and a trailing colon;",
        "* marks a required field; amoCRM and Bitrix24 exports may also use the names given",
        "after their preset's name.",
    ]
    for kind in Kind:
        lines.append(f"  {kind.value}: needs {kind_rule(kind)}")
        for field in kind_guide(kind):
            mark = "*" if field.required else " "
            extra = "".join(
                f"; {PRESET_NAMES[p]}: {_quoted(h, chr(34))}" for p, h in field.crm_headers.items()
            )
            names = _quoted(field.headers, chr(34)) or "—"
            lines.append(f"    {mark}{field.name:<13} {names}{extra}")
    return "\n".join(lines)


def markdown() -> str:
    """The guide as the README's Markdown block."""
    out = []
    for kind in Kind:
        out.append(f"**{kind.value}** needs {kind_rule(kind)}.")
        out.append("")
        out.append("| field | any table | amoCRM also | Bitrix24 also |")
        out.append("|---|---|---|---|")
        for field in kind_guide(kind):
            name = f"`{field.name}`" + " (required)" * field.required
            cells = [
                _quoted(field.headers, "`") or "—",
                *(_quoted(field.crm_headers.get(p, ()), "`") or "—" for p in CRM_PRESETS),
            ]
            out.append(f"| {name} | {' | '.join(cells)} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
