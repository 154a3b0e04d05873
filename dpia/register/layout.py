"""The register's layout, read from data (registers/sharing-register.yaml).

Sheets, their columns (header, width, type, dropdown choices, help) and the
how-to text live in the layout file, so the workbook can be reviewed and
changed without touching code. Dropdown choices name a vocabulary in
:mod:`dpia.answers.vocab`, so a choice is worded the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from dpia.answers import vocab
from dpia.errors import RegisterError

LAYOUT_FORMAT = "dpia-register-layout/1"
LAYOUT_NAME = "sharing-register.yaml"

ColumnType = Literal["text", "date", "choice"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    type: ColumnType = "text"
    choices: tuple[str, ...] = ()
    choices_name: str = ""
    by_tool: bool = True
    overdue: bool = False
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    kind: Literal["rows", "log", "how_to"]
    columns: tuple[Column, ...]
    key: str = ""
    table: str = ""
    status_column: str = ""
    text: tuple[str, ...] = ()

    @property
    def tool_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.by_tool)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class Layout:
    sheets: tuple[Sheet, ...]
    date_format: str
    table_style: str
    backups_kept: int
    words: dict[str, str] = field(default_factory=dict)

    def sheet(self, sheet_id: str) -> Sheet:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        raise KeyError(sheet_id)

    @property
    def row_sheets(self) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.kind == "rows")

    @property
    def choice_lists(self) -> dict[str, tuple[str, ...]]:
        """Every dropdown list by vocabulary name, in layout order."""
        out: dict[str, tuple[str, ...]] = {}
        for sheet in self.row_sheets:
            for column in sheet.columns:
                if column.type == "choice":
                    out.setdefault(column.choices_name, column.choices)
        return out

    @property
    def log_sheet(self) -> Sheet:
        return next(s for s in self.sheets if s.kind == "log")


def _choices(name: str, where: str) -> tuple[str, ...]:
    table = getattr(vocab, name, None)
    if not isinstance(table, dict):
        raise RegisterError(f"{where}: 'choices: {name}' is not a vocabulary in dpia/answers/vocab.py")
    return tuple(str(v) for v in table.values())


def _column(raw: dict[str, Any], where: str) -> Column:
    kind = raw.get("type", "text")
    if kind not in ("text", "date", "choice"):
        raise RegisterError(f"{where}: type '{kind}' is not text, date or choice")
    name = str(raw.get("choices", ""))
    if kind == "choice" and not name:
        raise RegisterError(f"{where}: a choice column needs 'choices: VOCABULARY_NAME'")
    return Column(
        key=str(raw["key"]),
        header=str(raw["header"]),
        width=float(raw.get("width", 16)),
        type=kind,
        choices=_choices(name, where) if name else (),
        choices_name=name,
        by_tool=raw.get("by", "tool") == "tool",
        overdue=bool(raw.get("overdue", False)),
        help=str(raw.get("help", "")),
    )


def parse_layout(data: dict[str, Any], source: str = LAYOUT_NAME) -> Layout:
    if data.get("format") != LAYOUT_FORMAT:
        raise RegisterError(f"{source}: not a register layout (format: {LAYOUT_FORMAT})")
    sheets = []
    for s in data["sheets"]:
        where = f"{source}: sheet '{s['id']}'"
        columns = tuple(_column(c, f"{where} column '{c.get('key')}'") for c in s.get("columns", []))
        headers = [c.header for c in columns]
        if len(set(headers)) != len(headers):
            raise RegisterError(f"{where}: two columns have the same header")
        sheets.append(
            Sheet(
                id=s["id"],
                title=s["title"],
                kind=s.get("kind", "rows"),
                columns=columns,
                key=s.get("key", ""),
                table=s.get("table", ""),
                status_column=s.get("status_column", ""),
                text=tuple(s.get("text", [])),
            )
        )
    return Layout(
        sheets=tuple(sheets),
        date_format=str(data.get("date_format", "yyyy-mm-dd")),
        table_style=str(data.get("table_style", "TableStyleMedium2")),
        backups_kept=int(data.get("backups_kept", 10)),
        words={str(k): str(v) for k, v in (data.get("words") or {}).items()},
    )


@cache
def load_layout(path: Path | None = None) -> Layout:
    """The shipped layout (or the one at ``path``)."""
    import yaml

    from dpia.resources import registers_dir

    source = path or registers_dir() / LAYOUT_NAME
    # libyaml's loader when PyYAML has it: ten times faster, and every register command reads this
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    return parse_layout(data, source.name)
