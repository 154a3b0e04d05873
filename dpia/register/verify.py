"""``dpia register verify``: does the register still hold what the audit log says dpia wrote?

Streams the audit log once, one entry at a time: recomputes the hash chain,
compares each entry with its row on the "Change log" sheet, and keeps, for each
row dpia wrote, only a digest of its latest values and where that entry is in
the log. Then streams each row sheet and compares every row dpia wrote with its
digest (reading the logged entry back to say which cells differ). Edits,
deletions and reordering of dpia's rows are problems, as are a change-log sheet
that does not show the log, and a log shorter than the workbook records; rows
and columns people added are listed as theirs. Memory grows with the number of
rows (a few dozen bytes each), not with the log's size.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpia.errors import RegisterError
from dpia.register import audit
from dpia.register.audit import NormRow, canonical, norm, norm_row
from dpia.register.layout import Layout, Sheet, load_layout
from dpia.register.workbook import HEADER_ROW, LogRows, header_map, recorded_log

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_LOG_SHEET_PROBLEMS = 5


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


def open_register(path: Path, layout: Layout) -> Workbook:
    """The register opened read-only, refused unless it has dpia's sheets."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(path, read_only=True)
        except Exception as exc:
            raise RegisterError(f"{path} could not be read as an Excel workbook ({exc})") from None
    if not any(sheet.title in wb.sheetnames for sheet in layout.row_sheets):
        found = ", ".join(f"'{t}'" for t in wb.sheetnames)
        wb.close()
        raise RegisterError(
            f"{path} is not a register dpia keeps: it has none of the sheets "
            + ", ".join(f"'{s.title}'" for s in layout.row_sheets)
            + f" (its sheets are {found}). Name the organisation's register (one that "
            "'dpia register add' wrote); if this was one, restore it from "
            f"{path.with_name(path.stem + '.backups')}."
        )
    return wb


def _header(wb: Workbook, sheet: Sheet) -> tuple[dict[str, int], list[str]] | None:
    if sheet.title not in wb.sheetnames:
        return None
    first = next(wb[sheet.title].iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    col_of, people, _ = header_map(first, sheet)
    return col_of, people


def sheet_rows(ws: ReadOnlyWorksheet, sheet: Sheet, col_of: Mapping[str, int],
               keys: Sequence[str]) -> Iterator[tuple[int, str, NormRow]]:
    """Every row with something in it: (row number, its key or '', the columns ``keys``)."""
    key_idx = col_of.get(sheet.key)
    wanted = [(k, col_of[k] - 1) for k in keys if k in col_of]
    for number, values in enumerate(ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True),
                                    start=HEADER_ROW + 1):
        width = len(values)
        key = norm(values[key_idx - 1]).strip() if key_idx and key_idx <= width else ""
        if not key and all(v is None or v == "" for v in values):
            continue
        cells = {k: values[i] for k, i in wanted if i < width}
        yield number, key, norm_row(cells, cells)


def read_rows(
    path: Path, layout: Layout, columns: Mapping[str, Sequence[str]] | None = None
) -> dict[str, SheetRows]:
    """The row sheets (or those named in ``columns``, with only those columns), in memory."""
    wb = open_register(path, layout)
    try:
        out = {}
        for sheet in layout.row_sheets:
            if columns is not None and sheet.id not in columns:
                continue
            header = _header(wb, sheet)
            if header is None:
                out[sheet.id] = SheetRows(sheet, {}, [], [], 0)
                continue
            col_of, people = header
            keys = list(columns[sheet.id]) if columns is not None else [c.key for c in sheet.tool_columns]
            rows = list(sheet_rows(wb[sheet.title], sheet, col_of, keys))
            unkeyed = sum(1 for _, key, _ in rows if not key)
            out[sheet.id] = SheetRows(sheet, col_of, people, rows, unkeyed)
        return out
    finally:
        wb.close()


def _digest(values: Mapping[str, str]) -> bytes:
    return hashlib.blake2b(canonical(values), digest_size=16).digest()


@dataclass(slots=True)
class Logged:
    """What verify keeps of a row's latest entry."""

    order: int  # position of the row's first entry, for the order check
    digest: bytes | None  # of its values in the columns the sheet has; None: deleted, accepted
    offset: int  # of the entry in the log; -1 for an entry still in the pending notes
    entry: dict[str, Any] | None = None  # a pending entry itself


class _Replay:
    """The log streamed once: chain, change-log sheet, and each row's latest entry."""

    def __init__(self, wb: Workbook, layout: Layout, present: Mapping[str, Sequence[str]]) -> None:
        self.layout = layout
        self.present = present
        self.chain = audit.Chain()
        self.logged: dict[str, dict[str, Logged]] = {s: {} for s in present}
        self.used: dict[str, set[str]] = {s: set() for s in present}
        self.hash_at: dict[int, str] = {}  # position -> hash, for the positions asked about
        self.log_sheet = layout.log_sheet.title in wb.sheetnames
        self._shown = (
            wb[layout.log_sheet.title].iter_rows(
                min_row=HEADER_ROW + 1, max_col=len(layout.log_sheet.columns), values_only=True)
            if self.log_sheet else iter(())
        )
        self.log_rows = LogRows(layout)
        self.sheet_problems: list[str] = []
        self.sheet_rows_differing = 0

    def take(self, entry: dict[str, Any], offset: int) -> None:
        self.chain.add(entry)
        position = self.chain.count
        if position in self.hash_at:
            self.hash_at[position] = str(entry.get("hash"))
        sheet, key = str(entry.get("sheet")), str(entry.get("key"))
        if entry.get("op") != "create" and sheet in self.logged:
            after = entry.get("after")
            rows = self.logged[sheet]
            old = rows.get(key)
            digest = None
            if isinstance(after, dict):
                wanted = self.present[sheet]
                digest = _digest({k: v for k, v in after.items() if k in wanted})
                self.used[sheet].update(after)
            rows[key] = Logged(old.order if old else position, digest, offset,
                               entry if offset < 0 else None)
        self._compare_shown(entry, position)

    def _compare_shown(self, entry: dict[str, Any], position: int) -> None:
        if not self.log_sheet:
            return
        row = next(self._shown, None)
        expected = self.log_rows.row(entry)
        shown = tuple(norm(v) for v in row) if row is not None else ()
        shown += ("",) * (len(expected) - len(shown))
        if shown == expected:
            return
        self.sheet_rows_differing += 1
        if self.sheet_rows_differing > MAX_LOG_SHEET_PROBLEMS:
            return
        title = self.layout.log_sheet.title
        if row is None or not any(shown):
            self.sheet_problems.append(
                f"sheet '{title}' ends before log entry {position} ({entry.get('op')} {entry.get('key')}): "
                "rows were deleted from it"
            )
            return
        headers = [c.header for c in self.layout.log_sheet.columns]
        column = next(i for i, (a, b) in enumerate(zip(shown, expected, strict=True)) if a != b)
        self.sheet_problems.append(
            f"sheet '{title}', row {position + HEADER_ROW}, column '{headers[column]}': shows "
            f"{shown[column] or '(empty)'!r} where log entry {position} says "
            f"{expected[column] or '(empty)'!r}"
        )

    def extra_rows(self) -> int:
        """Rows the change-log sheet shows after the log's last entry."""
        return sum(1 for row in self._shown if any(v not in (None, "") for v in row))


def verify(register: Path, layout: Layout | None = None) -> Report:
    layout = layout or load_layout()
    if not register.exists():
        raise RegisterError(f"{register} does not exist")
    wb = open_register(register, layout)
    try:
        return _verify(register, wb, layout)
    finally:
        wb.close()


def _verify(register: Path, wb: Workbook, layout: Layout) -> Report:
    headers = {s.id: _header(wb, s) for s in layout.row_sheets}
    present = {
        s.id: [c.key for c in s.tool_columns if h is not None and c.key in h[0]]
        for s, h in ((s, headers[s.id]) for s in layout.row_sheets)
    }
    recorded = recorded_log(wb)
    replay = _Replay(wb, layout, present)
    if recorded is not None:
        replay.hash_at[recorded[1]] = ""
    log_name = audit.log_path(register).name
    report = Report(register, audit.GENESIS, 0)
    pending = _pending(register, recorded, report)
    # An update that stopped part-way may have left half its entries at the log's end:
    # the log is read up to where it ended before that update.
    end = pending.log_size if pending is not None else None
    for offset, number, entry in audit.iter_log(register, end):
        if entry is None:
            replay.chain.unreadable(number, log_name)
        else:
            replay.take(entry, offset)
    if pending is not None:
        if pending.entries[0].get("prev") == replay.chain.head:
            for entry in pending.entries:
                replay.take(entry, -1)
        else:
            report.problems.append(
                f"an update stopped part-way, and its entries ({audit.pending_path(register).name}) "
                "do not follow the audit log's last entry"
            )
    report.head, report.entries = replay.chain.head, replay.chain.count
    if not replay.chain.count:
        report.problems.append(
            f"there is no audit log ({log_name} is missing or empty), so nothing can be "
            "checked: put the log back beside the workbook (a copy of the workbook alone "
            "cannot be verified)"
        )
    report.problems.extend(replay.chain.problems)
    report.problems.extend(_record_problems(recorded, replay, log_name))
    report.problems.extend(_log_sheet_problems(replay, layout))
    for sheet in layout.row_sheets:
        ws = wb[sheet.title] if sheet.title in wb.sheetnames else None
        _compare(report, register, ws, sheet, headers[sheet.id], present[sheet.id],
                 replay.logged[sheet.id], replay.used[sheet.id])
    return report


def _pending(register: Path, recorded: tuple[str, int] | None, report: Report) -> audit.Pending | None:
    """An update that stopped after the workbook was saved but before the log was extended:
    its entries (waiting in the pending notes) are dpia's, never a person's edits. Returns
    them when the workbook in place holds that update."""
    try:
        pending = audit.read_pending(register)
    except ValueError:
        report.notes.append(
            "an unfinished update left unreadable notes; the next 'dpia register add' removes them"
        )
        return None
    if pending is None:
        return None
    name = audit.pending_path(register).name
    if audit.read_tail(register).head == pending.head:
        report.notes.append(
            f"an update left its notes ({name}) behind; the next 'dpia register add' removes them"
        )
        return None
    if not audit.pending_applies(register, pending, recorded):
        report.notes.append("an update stopped before the register was replaced; the next "
                            "'dpia register add' discards its notes")
        return None
    report.notes.append(
        f"an update stopped after saving the register but before adding its {len(pending.entries)} "
        f"entries to the audit log; they wait in {name} and were checked with the log. The next "
        "'dpia register add' adds them to the log"
    )
    return pending


def _record_problems(recorded: tuple[str, int] | None, replay: _Replay, log_name: str) -> list[str]:
    """The log's head and length against what the workbook recorded at its last update."""
    if recorded is None:
        return []
    head, count = recorded
    has = replay.chain.count
    if (head, count) == (replay.chain.head, has):
        return []
    if count > has:
        return [f"the register was last updated with audit-log entry {count} (hash {head[:16]}...), but "
                f"{log_name} has only {has} entries: entries were removed from the end of the log "
                "(rows that only they recorded are listed below as people's)"]
    if replay.hash_at.get(count) == head:
        return [f"the register records audit-log entry {count} as its last update, but the log has {has} "
                "entries: this workbook is an older copy (restored from a backup?). Its rows are compared "
                "with the log's latest entries below"]
    return [f"the register was last updated with audit-log entry {count} with hash {head[:16]}..., but the "
            f"log's entry {count} has another hash: the log was replaced or rewritten"]


def _log_sheet_problems(replay: _Replay, layout: Layout) -> list[str]:
    title = layout.log_sheet.title
    if not replay.log_sheet:
        if not replay.chain.count:
            return []
        return [f"sheet '{title}' is missing (deleted or renamed); the next 'dpia register add' "
                "rebuilds it from the audit log"]
    problems = list(replay.sheet_problems)
    if replay.sheet_rows_differing > MAX_LOG_SHEET_PROBLEMS:
        problems.append(f"sheet '{title}': {replay.sheet_rows_differing - MAX_LOG_SHEET_PROBLEMS} more "
                        "row(s) differ from the audit log")
    extra = replay.extra_rows()
    if extra:
        problems.append(
            f"sheet '{title}' shows {extra} entr{'y' if extra == 1 else 'ies'} after the audit log's "
            f"last (entry {replay.chain.count}): entries were removed from the end of the log"
        )
    if problems:
        problems.append(f"sheet '{title}' is dpia's copy of the audit log: delete the sheet and the next "
                        "'dpia register add' rebuilds it from the log")
    return problems


def _compare(
    report: Report, register: Path, ws: ReadOnlyWorksheet | None, sheet: Sheet,
    header: tuple[dict[str, int], list[str]] | None, present: Sequence[str],
    logged: dict[str, Logged], used: set[str],
) -> None:
    title = sheet.title
    logged_keys = {k for k, v in logged.items() if v.digest is not None}
    if ws is None or header is None or not header[0]:
        if logged_keys:
            report.problems.append(f"sheet '{title}' is missing or has lost its header row")
        return
    col_of, people_columns = header
    for column in sheet.tool_columns:
        if column.key not in col_of and column.key in used:
            report.problems.append(
                f"sheet '{title}': column '{column.header}' that dpia fills was deleted or renamed"
            )
    seen: dict[str, int] = {}
    order: list[tuple[int, str]] = []
    theirs: list[str] = []
    unkeyed = 0
    for number, key, values in sheet_rows(ws, sheet, col_of, present):
        if not key:
            unkeyed += 1
            continue
        if key in seen:
            if key in logged_keys:
                report.problems.append(
                    f"sheet '{title}': key '{key}' appears in rows {seen[key]} and {number}; "
                    "only one can be dpia's row"
                )
            continue
        seen[key] = number
        found = logged.get(key)
        if found is None or found.digest is None:
            theirs.append(key)
            continue
        report.tool_rows += 1
        order.append((found.order, key))
        if _digest(values) != found.digest:
            report.problems.extend(_edits(register, sheet, number, key, values, found, present))
    for key in sorted(logged_keys - set(seen)):
        report.problems.append(f"sheet '{title}': row '{key}' that dpia wrote was deleted")
    expected = sorted(order)
    if [k for _, k in order] != [k for _, k in expected]:
        moved = next(k for (_, k), (_, e) in zip(order, expected, strict=True) if k != e)
        report.problems.append(
            f"sheet '{title}': dpia's rows are not in the order it wrote them (first out of place: "
            f"'{moved}'). If a person sorted the sheet, sort it back by the order of the change log"
        )
    if theirs or unkeyed:
        report.people_rows[title] = theirs + ([f"{unkeyed} row(s) without a key"] if unkeyed else [])
    if people_columns:
        report.people_columns[title] = list(people_columns)


def _edits(register: Path, sheet: Sheet, number: int, key: str, now: NormRow,
           found: Logged, present: Sequence[str]) -> list[str]:
    """Which cells of a row differ from the log, reading its entry back."""
    where = f"sheet '{sheet.title}', row {number} ('{key}')"
    entry = found.entry or audit.read_entry_at(register, found.offset, sheet.id, key)
    if entry is None:
        return [f"{where}: differs from the audit log, whose entry for it no longer reads back"]
    after: NormRow = entry.get("after") or {}
    headers = {c.key: c.header for c in sheet.columns}
    return [
        f"{where}, column '{headers[c]}': edited: the log says {after.get(c, '') or '(empty)'!r}, "
        f"the register has {now.get(c, '') or '(empty)'!r}"
        for c in present
        if after.get(c, "") != now.get(c, "")
    ]
