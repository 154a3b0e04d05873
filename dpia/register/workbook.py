"""The register workbook (openpyxl): creating it, finding rows, writing cells safely.

Columns are found by their header text, not their position, so people may move
columns and add their own. Cells dpia writes:

* text is always stored as text (``data_type = "s"``); text starting with
  ``= + - @``, a tab or a line break, or looking like an error code (``#N/A``),
  also gets the quote-prefix style, so Excel and LibreOffice show it literally
  and never evaluate it. Control characters and text over Excel's cell limit
  are refused, naming the sheet, row and column;
* dates are real dates with the layout's number format.

openpyxl is imported inside functions only (``dpia --help`` must stay fast).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpia.errors import RegisterError
from dpia.register.audit import NormRow, norm, norm_row
from dpia.register.layout import Column, Layout, Sheet

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from dpia.register.rows import Value

MAX_CELL_TEXT = 32767
LISTS_TITLE = "Lists"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ERROR_LIKE = re.compile(r"^#[A-Za-z0-9_/]+[!?]?$")
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")
OVERDUE_MARK = 'N("dpia-overdue")=0'  # identifies dpia's own highlighting rule
HEADER_ROW = 1


def check_text(text: str, where: str) -> None:
    """Refuse text Excel cannot hold, naming where it was going."""
    bad = _CONTROL.search(text)
    if bad:
        raise RegisterError(
            f"{where}: contains a control character (code {ord(bad.group()):#04x}, often pasted "
            "from a word processor) that a spreadsheet cannot hold; remove it from the answers file"
        )
    if len(text) > MAX_CELL_TEXT:
        raise RegisterError(
            f"{where}: is {len(text):,} characters long; a spreadsheet cell holds at most "
            f"{MAX_CELL_TEXT:,}. Shorten it in the answers file"
        )


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(_RISKY_START) or bool(_ERROR_LIKE.match(text))


def write_cell(cell: Any, value: Value, date_format: str, where: str) -> None:
    """Write one value so it is shown exactly as given and never evaluated."""
    if value is None or value == "":
        cell.value = None
        if cell.has_style and cell.quotePrefix:
            cell.quotePrefix = False
        return
    if isinstance(value, date):
        cell.value = value
        cell.number_format = date_format
        return
    text = str(value)
    check_text(text, where)
    cell.value = text
    cell.data_type = "s"
    risky = needs_quote_prefix(text)
    if risky or (cell.has_style and cell.quotePrefix):
        cell.quotePrefix = risky


def typed(column: Column, text: str) -> Value:
    """A logged (normalised) value back as the value to write."""
    if not text:
        return None
    if column.type == "date":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return text
    return text


def header_map(header: Iterable[object], sheet: Sheet) -> tuple[dict[str, int], list[str], int]:
    """Column positions (1-based) by key, the headers people added, and the last header's position."""
    by_header = {c.header: c for c in sheet.columns}
    col_of: dict[str, int] = {}
    people: list[str] = []
    last = 0
    for idx, value in enumerate(header, start=1):
        text = norm(value).strip()
        if not text:
            continue
        last = idx
        column = by_header.get(text)
        if column is not None and column.key not in col_of:
            col_of[column.key] = idx
        else:
            people.append(text)
    return col_of, people, last


def last_value_row(ws: Worksheet) -> int:
    """The last row holding a value. Not ``ws.max_row``: LibreOffice saves empty styled
    cells far below the data (where dropdowns reach), and new rows go after the data.

    Looks from the bottom up, row by row, in openpyxl's own map of cells (far faster
    than ``iter_rows``, which makes a cell for every gap)."""
    cells = ws._cells
    if not cells:
        return HEADER_ROW
    width = max(c for _, c in cells)
    for row in range(max(r for r, _ in cells), HEADER_ROW, -1):
        for col in range(1, width + 1):
            cell = cells.get((row, col))
            if cell is not None and cell.value is not None and cell.value != "":
                return row
    return HEADER_ROW


class SheetEditor:
    """One row sheet of the register: its columns by header, its rows by key."""

    def __init__(self, ws: Worksheet, sheet: Sheet) -> None:
        self.ws = ws
        self.sheet = sheet
        header = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
        self.col_of, self.people_columns, self.last_header_col = header_map(header, sheet)
        self.missing = [c for c in sheet.columns if c.key not in self.col_of]
        self.last_row = last_value_row(ws)
        self.row_of: dict[str, int] = {}
        self.duplicates: dict[str, list[int]] = {}
        self.people_rows: list[int] = []
        if sheet.key in self.col_of:
            self._index_keys()

    def _index_keys(self) -> None:
        col = self.col_of[self.sheet.key]
        cells = self.ws._cells  # openpyxl's map of (row, column) -> cell; no cells made for gaps
        for number in range(HEADER_ROW + 1, self.last_row + 1):
            cell = cells.get((number, col))
            if cell is None or cell.value is None:
                continue
            key = norm(cell.value).strip()
            if not key:
                continue
            if key in self.row_of:
                self.duplicates.setdefault(key, [self.row_of[key]]).append(number)
            else:
                self.row_of[key] = number

    def add_columns(self, columns: Iterable[Column], date_format: str) -> None:
        """Add layout columns the sheet lacks, after the last column."""
        from openpyxl.utils import get_column_letter

        for column in columns:
            self.last_header_col = max(self.last_header_col, self.ws.max_column) + 1
            idx = self.last_header_col
            self.col_of[column.key] = idx
            write_cell(self.ws.cell(HEADER_ROW, idx), column.header, date_format, column.header)
            self.ws.column_dimensions[get_column_letter(idx)].width = column.width
        self.missing = [c for c in self.sheet.columns if c.key not in self.col_of]

    def read(self, key: str) -> NormRow | None:
        number = self.row_of.get(key)
        if number is None:
            return None
        cells = {c.key: self.ws.cell(number, self.col_of[c.key]).value for c in self.sheet.tool_columns
                 if c.key in self.col_of}
        return norm_row(cells, [c.key for c in self.sheet.tool_columns])

    def write(self, key: str, values: Mapping[str, Value], date_format: str) -> None:
        """Write ``values`` (tool columns only) into the key's row, adding the row if new."""
        number = self.row_of.get(key)
        if number is None:
            self.last_row = number = self.last_row + 1
            self.row_of[key] = number
        for col_key, value in values.items():
            column = self.sheet.column(col_key)
            if not column.by_tool:
                continue
            where = f"sheet '{self.sheet.title}', row {key!r}, column '{column.header}'"
            write_cell(self.ws.cell(number, self.col_of[col_key]), value, date_format, where)

    def finish(self, layout: Layout) -> None:
        """Table (filters, style), frozen header, dropdowns and overdue highlighting."""
        from openpyxl.utils import get_column_letter

        ws = self.ws
        last_col = max(self.last_header_col, max(self.col_of.values(), default=1))
        last_row = max(self.last_row, HEADER_ROW + 1)
        ref = f"A{HEADER_ROW}:{get_column_letter(last_col)}{last_row}"
        _ensure_table(ws, self.sheet.table, ref, layout.table_style)
        ws.freeze_panes = f"A{HEADER_ROW + 1}"  # a string: ws.cell() would create an empty row
        _ensure_validations(ws, self.sheet, layout, self.col_of, last_row + 1000)
        _ensure_overdue_rule(ws, self.sheet, self.col_of, last_row + 1000)


def _ensure_table(ws: Worksheet, name: str, ref: str, style: str) -> None:
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    table = ws.tables.get(name)
    if table is None:
        for other in list(ws.tables.values()):
            if other.ref.split(":")[0] == ref.split(":")[0]:  # renamed by a person: keep theirs
                table = other
    if table is None:
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
        ws.add_table(table)
    if table.tableStyleInfo is None:  # LibreOffice drops it on saving; a person's own style is kept
        table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    table.ref = ref
    if table.autoFilter is None:
        table.autoFilter = AutoFilter(ref=ref)
    else:
        table.autoFilter.ref = ref
    # Keep each existing column's settings (e.g. a person's calculated column).
    existing = {tc.name: tc for tc in table.tableColumns}
    next_id = max((tc.id for tc in table.tableColumns), default=0) + 1
    columns = []
    header = next(
        ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=_last_col(ref), values_only=True)
    )
    seen: set[str] = set()
    for idx, value in enumerate(header, start=1):
        title = norm(value) or f"Column{idx}"
        while title in seen:
            title = f"{title} ({idx})"
        seen.add(title)
        tc = existing.pop(title, None)
        if tc is None:
            tc = TableColumn(id=next_id, name=title)
            next_id += 1
        columns.append(tc)
    table.tableColumns = columns


def _last_col(ref: str) -> int:
    from openpyxl.utils.cell import range_boundaries

    return int(range_boundaries(ref)[2])


def _is_ours_dv(dv: Any) -> bool:
    formula = str(dv.formula1 or "")
    return formula.startswith((f"{LISTS_TITLE}!", f"'{LISTS_TITLE}'!"))


def _ensure_validations(
    ws: Worksheet, sheet: Sheet, layout: Layout, col_of: Mapping[str, int], last_row: int
) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keep = [dv for dv in ws.data_validations.dataValidation if not _is_ours_dv(dv)]
    ws.data_validations.dataValidation = keep
    for column in sheet.columns:
        if column.type != "choice" or column.key not in col_of:
            continue
        letter = get_column_letter(col_of[column.key])
        list_col = get_column_letter(list(layout.choice_lists).index(column.choices_name) + 1)
        dv = DataValidation(
            type="list",
            formula1=f"{LISTS_TITLE}!${list_col}$2:${list_col}${len(column.choices) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=column.header,
            error="Choose a value from the list.",
        )
        dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
        ws.add_data_validation(dv)


def _ensure_overdue_rule(ws: Worksheet, sheet: Sheet, col_of: Mapping[str, int], last_row: int) -> None:
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    rebuilt = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not any(OVERDUE_MARK in str(f) for f in (rule.formula or [])):
                rebuilt.add(cf.sqref, rule)
    row = HEADER_ROW + 1
    status = ""
    if sheet.status_column in col_of:
        status = f',${get_column_letter(col_of[sheet.status_column])}{row}<>"ended"'
    for column in sheet.columns:
        if not column.overdue or column.key not in col_of:
            continue
        letter = get_column_letter(col_of[column.key])
        formula = f"AND(ISNUMBER({letter}{row}),{letter}{row}<TODAY(){status},{OVERDUE_MARK})"
        rule = FormulaRule(
            formula=[formula],
            fill=PatternFill(fill_type="solid", bgColor="FFC7CE"),
            font=Font(color="9C0006", bold=True),
        )
        rebuilt.add(f"{letter}{row}:{letter}{last_row}", rule)
    ws.conditional_formatting = rebuilt


def write_lists(wb: Workbook, layout: Layout) -> None:
    """The hidden sheet that holds every dropdown list, rebuilt from the vocabulary."""
    names = layout.choice_lists
    if LISTS_TITLE in wb.sheetnames:
        del wb[LISTS_TITLE]
    ws = wb.create_sheet(LISTS_TITLE)
    for idx, (name, choices) in enumerate(names.items(), start=1):
        for row, text in enumerate((name, *choices), start=1):
            write_cell(ws.cell(row, idx), text, layout.date_format, f"list {name}")
    ws.sheet_state = "hidden"


def _headers(ws: Worksheet, sheet: Sheet, layout: Layout, comments: bool = True) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for idx, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(HEADER_ROW, idx)
        write_cell(cell, column.header, layout.date_format, f"header {column.header}")
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if comments and column.help:
            comment = Comment(column.help, "dpia")
            comment.width, comment.height = 260, 90
            cell.comment = comment
        ws.column_dimensions[get_column_letter(idx)].width = column.width


def _print_setup(ws: Worksheet) -> None:
    """Printed, a register sheet runs across landscape A4 pages with the header row and the
    first (key) column on every page, so each printed row can be told apart."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_title_cols = "A:A"
    ws.print_options.gridLines = True
    ws.page_setup.scale = 60  # about ten columns to a page, still readable


def new_workbook(layout: Layout) -> Workbook:
    """An empty register: every sheet with its headers, formatting and help."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.title)
        if sheet.kind == "rows":
            _headers(ws, sheet, layout)
            SheetEditor(ws, sheet).finish(layout)
            _print_setup(ws)
        elif sheet.kind == "log":
            _log_sheet_setup(ws, sheet, layout)
        else:
            _how_to(ws, sheet, layout)
    write_lists(wb, layout)
    return wb


def _how_to(ws: Worksheet, sheet: Sheet, layout: Layout) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 90
    row = 1
    for line in sheet.text:
        cell = ws.cell(row, 1)
        write_cell(cell, line, layout.date_format, "how-to text")
        if row == 1 or line == sheet.text[-1]:
            cell.font = Font(bold=True, size=13 if row == 1 else 11)
        row += 1
    for header in ("Sheet", "Column", "What it holds"):
        ws.cell(row, ["Sheet", "Column", "What it holds"].index(header) + 1).value = header
        ws.cell(row, ["Sheet", "Column", "What it holds"].index(header) + 1).font = Font(bold=True)
    for s in layout.row_sheets:
        for column in s.columns:
            row += 1
            for idx, text in enumerate((s.title, column.header, column.help), start=1):
                cell = ws.cell(row, idx)
                write_cell(cell, text, layout.date_format, "how-to text")
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def restore_how_to(wb: Workbook, layout: Layout) -> None:
    """Put the how-to sheet back if a person renamed or deleted it (it holds only dpia's text)."""
    for sheet in layout.sheets:
        if sheet.kind == "how_to" and sheet.title not in wb.sheetnames:
            _how_to(wb.create_sheet(sheet.title), sheet, layout)


class LogRows:
    """Audit-log entries as the change-log sheet shows them: time, user, operation, sheet,
    key, what changed, and the start of the entry's hash."""

    def __init__(self, layout: Layout) -> None:
        self.headers = {c.key: c.header for s in layout.row_sheets for c in s.columns}
        self.titles = {s.id: s.title for s in layout.sheets}

    def row(self, entry: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(norm(v) for v in (
            entry.get("time"), entry.get("user"), entry.get("op"),
            self.titles.get(str(entry.get("sheet")), ""), entry.get("key"),
            change_text(entry, self.headers), str(entry.get("hash", ""))[:16],
        ))


def log_sheet_count(wb: Workbook, layout: Layout) -> tuple[int, str] | None:
    """How many entries the change-log sheet shows and the hash start on its last row
    (None if the sheet is missing)."""
    title = layout.log_sheet.title
    if title not in wb.sheetnames:
        return None
    ws = wb[title]
    last = last_value_row(ws)
    hash_col = len(layout.log_sheet.columns)
    return last - HEADER_ROW, norm(ws.cell(last, hash_col).value) if last > HEADER_ROW else ""


def new_log_sheet(wb: Workbook, layout: Layout) -> None:
    """An empty change-log sheet, at the end."""
    _log_sheet_setup(wb.create_sheet(layout.log_sheet.title), layout.log_sheet, layout)


def _log_sheet_setup(ws: Worksheet, sheet: Sheet, layout: Layout) -> None:
    _headers(ws, sheet, layout, comments=False)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True  # read-only (no password: it is a copy of the log, not a lock)
    _print_setup(ws)


def append_log_rows(wb: Workbook, layout: Layout, entries: Iterable[Mapping[str, Any]]) -> None:
    """Mirror audit-log entries on the read-only change-log sheet, after its last row."""
    ws = wb[layout.log_sheet.title]
    row = last_value_row(ws)
    shown = LogRows(layout)
    for entry in entries:
        row += 1
        for idx, value in enumerate(shown.row(entry), start=1):
            write_cell(ws.cell(row, idx), value, layout.date_format, "change log")


def change_text(entry: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """What an entry changed, in words a person reading the change-log sheet can follow."""
    op = entry.get("op")
    before: NormRow = entry.get("before") or {}
    after: NormRow = entry.get("after") or {}
    if op == "create":
        return "register created"
    if op == "add":
        return "new row" if not before else "row written again: " + _diff(before, after, headers)
    if op == "accept" and entry.get("after") is None:
        return "row deleted by a person; the deletion was kept"
    lines = [_diff(before, after, headers)] if before != after else []
    answers: NormRow | None = entry.get("answers")
    if op == "accept" and answers is not None:
        kept = [k for k in _ordered(set(after) | set(answers), headers)
                if after.get(k, "") != answers.get(k, "")]
        lines += [f"{headers.get(k, k)}: kept the register's {after.get(k, '')!r} "
                  f"(the answers say {answers.get(k, '')!r})" for k in kept]
    return "\n".join(line for line in lines if line)


def _ordered(keys: Iterable[str], headers: Mapping[str, str]) -> list[str]:
    order = list(headers)
    return sorted(keys, key=lambda k: order.index(k) if k in headers else 0)


def _diff(before: NormRow, after: NormRow, headers: Mapping[str, str]) -> str:
    return "\n".join(
        f"{headers.get(k, k)}: {before.get(k, '')} -> {after.get(k, '')}"
        for k in _ordered(set(before) | set(after), headers)
        if before.get(k, "") != after.get(k, "")
    )


# --- the log's head, recorded in the workbook ------------------------------------------------

LOG_HEAD = "dpia audit head"
LOG_ENTRIES = "dpia audit entries"


def recorded_log(wb: Workbook) -> tuple[str, int] | None:
    """The audit log's head hash and entry count this workbook records (document properties,
    which Excel and LibreOffice keep on saving), or None."""
    props = {p.name: p.value for p in wb.custom_doc_props}
    return _record(props.get(LOG_HEAD), props.get(LOG_ENTRIES))


def _record(head: object, count: object) -> tuple[str, int] | None:
    try:
        number = int(float(str(count)))
    except ValueError:
        return None
    if not isinstance(head, str) or len(head) != 64:
        return None
    return head, number


def set_log_record(wb: Workbook, head: str, count: int) -> None:
    from openpyxl.packaging.custom import IntProperty, StringProperty

    props = wb.custom_doc_props
    props.props = [p for p in props.props if p.name not in (LOG_HEAD, LOG_ENTRIES)]
    props.append(StringProperty(name=LOG_HEAD, value=head))
    props.append(IntProperty(name=LOG_ENTRIES, value=count))


def recorded_log_in_file(path: Path) -> tuple[str, int] | None:
    """:func:`recorded_log` of a workbook file, reading only its small properties part."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("docProps/custom.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    props: dict[str, str] = {}
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    for prop in root:
        name = prop.get("name")
        if name in (LOG_HEAD, LOG_ENTRIES) and len(prop):
            props[name] = prop[0].text or ""
    return _record(props.get(LOG_HEAD), props.get(LOG_ENTRIES))
