"""``dpia register verify``: does the register still hold what the audit log says dpia wrote?

Recomputes the hash chain, then compares every row dpia wrote with the log's
latest values for it. Edits, deletions and reordering of dpia's rows are
problems; rows and columns people added are listed as theirs.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from dpia.errors import RegisterError
from dpia.register import audit
from dpia.register.audit import NormRow, norm, norm_row
from dpia.register.layout import Layout, Sheet, load_layout
from dpia.register.workbook import HEADER_ROW, header_map


@dataclass
class SheetRows:
    sheet: Sheet
    col_of: dict[str, int]
    people_columns: list[str]
    rows: list[tuple[int, str, NormRow]]  # (row number, key or "", tool columns' values)
    unkeyed: int  # rows with something in them but no key: people's


@dataclass
class Report:
    register: Path
    head: str
    entries: int
    problems: list[str] = field(default_factory=list)
    people_rows: dict[str, list[str]] = field(default_factory=dict)  # sheet title -> keys or row labels
    people_columns: dict[str, list[str]] = field(default_factory=dict)
    tool_rows: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(path: Path, layout: Layout) -> dict[str, SheetRows]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(path, read_only=True)
        except Exception as exc:
            raise RegisterError(f"{path} could not be read as an Excel workbook ({exc})") from None
    try:
        if not any(sheet.title in wb.sheetnames for sheet in layout.row_sheets):
            found = ", ".join(f"'{t}'" for t in wb.sheetnames)
            raise RegisterError(
                f"{path} is not a register dpia keeps: it has none of the sheets "
                + ", ".join(f"'{s.title}'" for s in layout.row_sheets)
                + f" (its sheets are {found}). Name the organisation's register (one that "
                "'dpia register add' wrote); if this was one, restore it from "
                f"{path.with_name(path.stem + '.backups')}."
            )
        out = {}
        for sheet in layout.row_sheets:
            if sheet.title not in wb.sheetnames:
                out[sheet.id] = SheetRows(sheet, {}, [], [], 0)
                continue
            it = wb[sheet.title].iter_rows(min_row=HEADER_ROW, values_only=True)
            col_of, people, _ = header_map(next(it, ()), sheet)
            keys = [c.key for c in sheet.tool_columns if c.key in col_of]
            rows, unkeyed = [], 0
            key_idx = col_of.get(sheet.key)
            for number, values in enumerate(it, start=HEADER_ROW + 1):
                key = norm(values[key_idx - 1]).strip() if key_idx and key_idx <= len(values) else ""
                if not key and all(v in (None, "") for v in values):
                    continue
                unkeyed += not key
                cells = {k: values[col_of[k] - 1] if col_of[k] <= len(values) else None for k in keys}
                rows.append((number, key, norm_row(cells, keys)))
            out[sheet.id] = SheetRows(sheet, col_of, people, rows, unkeyed)
        return out
    finally:
        wb.close()


def verify(register: Path, layout: Layout | None = None) -> Report:
    layout = layout or load_layout()
    if not register.exists():
        raise RegisterError(f"{register} does not exist")
    log = audit.read_log(register)
    report = Report(register, log.head, len(log.entries))
    if not log.entries:
        report.problems.append(
            f"there is no audit log ({audit.log_path(register).name} is missing or empty), so "
            "nothing can be checked: put the log back beside the workbook (a copy of the "
            "workbook alone cannot be verified)"
        )
    report.problems.extend(log.chain_problems())
    if audit.pending_path(register).exists():
        report.notes.append(
            "an update stopped part-way; the next 'dpia register add' completes or undoes it"
        )
    state = log.state()
    sheets = read_rows(register, layout)
    for sheet in layout.row_sheets:
        _compare(report, sheets[sheet.id], {k: v for (s, k), v in state.items() if s == sheet.id})
    return report


def _compare(report: Report, found: SheetRows, state: dict[str, audit.KeyState]) -> None:
    sheet = found.sheet
    title = sheet.title
    logged_keys = {k for k, st in state.items() if st.after is not None}
    if logged_keys and not found.col_of:
        report.problems.append(f"sheet '{title}' is missing or has lost its header row")
        return
    for column in sheet.tool_columns:
        if column.key not in found.col_of and any(column.key in (st.after or {}) for st in state.values()):
            report.problems.append(
                f"sheet '{title}': column '{column.header}' that dpia fills was deleted or renamed"
            )
    headers = {c.key: c.header for c in sheet.columns}
    seen: dict[str, int] = {}
    order: list[tuple[int, str]] = []
    theirs: list[str] = []
    for number, key, values in found.rows:
        if not key:
            continue
        if key in seen:
            if key in logged_keys:
                report.problems.append(
                    f"sheet '{title}': key '{key}' appears in rows {seen[key]} and {number}; "
                    "only one can be dpia's row"
                )
            continue
        seen[key] = number
        st = state.get(key)
        if st is None or st.after is None:
            theirs.append(key)
            continue
        report.tool_rows += 1
        order.append((state[key].order, key))
        for column in sheet.tool_columns:
            if column.key not in found.col_of:
                continue
            logged, now = st.after.get(column.key, ""), values.get(column.key, "")
            if logged != now:
                report.problems.append(
                    f"sheet '{title}', row {number} ('{key}'), column '{headers[column.key]}': "
                    f"edited: the log says {logged or '(empty)'!r}, the register has {now or '(empty)'!r}"
                )
    for key in sorted(logged_keys - set(seen)):
        report.problems.append(f"sheet '{title}': row '{key}' that dpia wrote was deleted")
    expected = sorted(order)
    if [k for _, k in order] != [k for _, k in expected]:
        moved = next(k for (_, k), (_, e) in zip(order, expected, strict=True) if k != e)
        report.problems.append(
            f"sheet '{title}': dpia's rows are not in the order it wrote them (first out of place: "
            f"'{moved}'). If a person sorted the sheet, sort it back by the order of the change log"
        )
    if theirs or found.unkeyed:
        unkeyed = [f"{found.unkeyed} row(s) without a key"] if found.unkeyed else []
        report.people_rows[title] = theirs + unkeyed
    if found.people_columns:
        report.people_columns[title] = list(found.people_columns)
