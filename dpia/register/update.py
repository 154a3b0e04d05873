"""Add projects to a register: lock, read, plan, write, log. The one place that writes registers."""

from __future__ import annotations

import gc
import io
import itertools
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dpia.errors import RegisterConflict, RegisterError
from dpia.register import audit, safety
from dpia.register.layout import Layout, load_layout
from dpia.register.merge import Action, Difference, Policy, ended_row, plan_sheet
from dpia.register.rows import Row, project_of, project_register_rows
from dpia.register.workbook import (
    SheetEditor,
    append_log_rows,
    log_sheet_count,
    new_log_sheet,
    new_workbook,
    recorded_log,
    recorded_log_in_file,
    restore_how_to,
    set_log_record,
    write_lists,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

    from dpia.answers.model import Project
    from dpia.assessment.assess import Assessment


@dataclass
class UpdateResult:
    register: Path
    created: bool
    counts: dict[str, int] = field(default_factory=dict)  # operation -> number of rows
    head: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.counts.values())


def load_register(register: Path, data: bytes) -> Workbook:
    """Open the register's bytes, refusing if openpyxl would drop something people added."""
    from openpyxl import load_workbook

    try:
        parts = safety.scan_parts(data)
    except zipfile.BadZipFile as exc:
        raise RegisterError(
            f"{register} could not be read as an Excel workbook ({exc}). Restore the latest copy "
            f"from {safety.backups_dir(register)} if it is damaged."
        ) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # Rich text (part of a cell in bold, say) survives only when loaded as rich
            # text, which doubles the load time: do it only when the workbook has some.
            wb = load_workbook(io.BytesIO(data), rich_text=parts.rich_text)
        except Exception as exc:
            raise RegisterError(
                f"{register} could not be read as an Excel workbook ({exc}). Restore the latest copy "
                f"from {safety.backups_dir(register)} if it is damaged."
            ) from None
    safety.refuse_loss(register, caught, parts.unkeepable)
    return wb


def wanted_rows(
    items: Sequence[tuple[Project, Assessment]], layout: Layout
) -> tuple[dict[str, dict[str, Row]], set[str]]:
    wanted: dict[str, dict[str, Row]] = {s.id: {} for s in layout.row_sheets}
    for project, assessment in items:
        for sheet_id, rows in project_register_rows(project, assessment, layout).items():
            wanted[sheet_id].update(rows)
    return wanted, {p.project.id for p, _ in items}


def add_projects(
    register: Path,
    items: Sequence[tuple[Project, Assessment]],
    policy: Policy = "stop",
    layout: Layout | None = None,
) -> UpdateResult:
    """Create the register or merge these projects' rows into it, safely and with an audit trail."""
    layout = layout or load_layout()
    register = Path(register)
    if register.suffix.lower() != ".xlsx":
        raise RegisterError(f"{register}: the register must be an Excel workbook ending .xlsx")
    safety.refuse_unusable(register, creating=True)
    try:
        return _add(register, items, policy, layout)
    except OSError as exc:  # a folder or file without write permission, a full disk
        where = exc.filename or register
        raise RegisterError(
            f"{register} could not be updated: {(exc.strerror or str(exc)).lower()} ({where}). "
            f"Check that you may write to the folder {register.parent.resolve()} (ask whoever "
            "manages it), then run the command again; an update that stopped part-way is "
            "completed or undone by the next one."
        ) from None


def _add(
    register: Path, items: Sequence[tuple[Project, Assessment]], policy: Policy, layout: Layout
) -> UpdateResult:
    # Garbage collection finds nothing to free while the workbook is read and written (its
    # millions of cells all stay in use) but costs a quarter of the time: hold it off.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with safety.writer_lock(register):
            return _add_locked(register, items, policy, layout)
    finally:
        if collecting:
            gc.enable()


def _add_locked(
    register: Path, items: Sequence[tuple[Project, Assessment]], policy: Policy, layout: Layout
) -> UpdateResult:
    safety.remove_stale_temporaries(register)
    result = UpdateResult(register, created=not register.exists())
    note = audit.recover(register, recorded_log_in_file(register) if register.exists() else None)
    if note:
        result.notes.append(note)
    safety.refuse_if_open(register)
    log = audit.LogView(register)
    damage = audit.tail_problem(log.tail)
    if damage:
        raise RegisterError(
            f"the audit log {audit.log_path(register)} is damaged, so dpia will not add to it:\n  - "
            f"{damage}\nRun 'dpia register verify' for the full report."
        )
    changes: list[dict[str, Any]] = []
    if register.exists():
        old: bytes | None = register.read_bytes()
        assert old is not None
        wb = load_register(register, old)
        if log.empty:
            raise RegisterError(_no_log(register, audit.log_path(register), wb.sheetnames, layout))
        _check_record(register, wb, log)
    else:
        if not log.empty:
            raise RegisterError(
                f"{register} is missing but its audit log {audit.log_path(register)} exists. Restore the "
                f"register from {safety.backups_dir(register)} (or move the log away to start afresh)."
            )
        old = None
        wb = new_workbook(layout)
        changes.append({"op": "create", "sheet": "", "key": "", "before": None, "after": None})

    editors = _editors(wb, layout)
    actions = _plan(editors, layout, log, items, policy)
    if not actions and not changes:
        result.head = log.tail.head
        return result
    _apply(editors, layout, actions)
    entries = log.new_entries(
        changes + [a.log_change() for a in actions], audit.current_user(), audit.now_text()
    )
    _mirror_log(wb, layout, log, entries)
    set_log_record(wb, entries[-1]["hash"], entries[-1]["seq"])
    for editor in editors.values():
        editor.finish(layout)
    write_lists(wb, layout)
    restore_how_to(wb, layout)
    size = log.tail.size
    offsets = log.offsets
    safety.replace_register(
        register,
        lambda tmp: wb.save(tmp),
        [s.title for s in layout.sheets],
        old,
        layout.backups_kept,
        lambda sha: audit.write_pending(register, entries, sha, size),
    )
    audit.finish_pending(register, entries, size, offsets)
    for action in actions:
        result.counts[action.op] = result.counts.get(action.op, 0) + 1
    result.head = entries[-1]["hash"]
    return result


def _check_record(register: Path, wb: Workbook, log: audit.LogView) -> None:
    """The workbook records the log's head and length as of its last update: a log that is
    shorter, or has another head at that length, lost entries from its end."""
    recorded = recorded_log(wb)
    if recorded is None:  # written by an earlier version of dpia
        return
    head, count = recorded
    if count > log.tail.count or (count == log.tail.count and head != log.tail.head):
        raise RegisterError(
            f"the audit log {audit.log_path(register)} has {log.tail.count} entries, but the register "
            f"was last updated with {count} (ending with hash {head[:16]}...): entries were removed "
            "from the end of the log, or the log was replaced by another. Nothing was changed. Put "
            "back the complete log (from a backup of the folder); 'dpia register verify' shows the details."
        )


def _mirror_log(wb: Workbook, layout: Layout, log: audit.LogView, entries: list[dict[str, Any]]) -> None:
    """Add the new entries to the change-log sheet. A sheet that does not show exactly the
    log so far (deleted, renamed, edited, or an older copy restored) is rebuilt from the log."""
    expected = (log.tail.count, log.tail.head[:16] if log.tail.count else "")
    if log_sheet_count(wb, layout) == expected:
        append_log_rows(wb, layout, entries)
        return
    if layout.log_sheet.title in wb.sheetnames:
        del wb[layout.log_sheet.title]
    new_log_sheet(wb, layout)
    history = (e for _, _, e in audit.iter_log(log.register, log.tail.size) if e is not None)
    append_log_rows(wb, layout, itertools.chain(history, entries))


def _no_log(register: Path, log: Path, sheets: Sequence[str], layout: Layout) -> str:
    if not any(s.title in sheets for s in layout.row_sheets):
        found = ", ".join(f"'{t}'" for t in sheets)
        return (
            f"{register} is not a register dpia keeps (its sheets are {found}; no audit log "
            f"{log.name}). Nothing was changed. Name the organisation's register, or a new "
            "file name (e.g. sharing-register.xlsx) to start one."
        )
    return (
        f"{register} has no audit log ({log.name} is missing), so dpia cannot tell its rows "
        "from people's. Nothing was changed. Put the log back beside the workbook (from where "
        "it was kept or backed up), or start a new register."
    )


def _editors(wb: Workbook, layout: Layout) -> dict[str, SheetEditor]:
    editors = {}
    for sheet in layout.row_sheets:
        if sheet.title not in wb.sheetnames:
            found = ", ".join(f"'{t}'" for t in wb.sheetnames)
            raise RegisterError(
                f"the register has no sheet '{sheet.title}' (its sheets are {found}). Rename the "
                "sheet back, or restore the register from its backups."
            )
        editors[sheet.id] = SheetEditor(wb[sheet.title], sheet)
    return editors


def _plan(
    editors: dict[str, SheetEditor], layout: Layout, log: audit.LogView,
    items: Sequence[tuple[Project, Assessment]], policy: Policy,
) -> list[Action]:
    wanted, project_ids = wanted_rows(items, layout)
    actions: list[Action] = []
    differences: list[Difference] = []
    for sheet in layout.row_sheets:
        editor = editors[sheet.id]
        _check_columns(editor, log, sheet.id)
        rows = dict(wanted[sheet.id])
        relevant = set(rows)
        if sheet.status_column:  # this project's earlier flows too
            relevant.update(k for k in log.keys(sheet.id) if project_of(k) in project_ids)
        sheet_state = log.states(sheet.id, relevant)
        ending: set[str] = set()
        if sheet.status_column:  # flows that left their project's answers end, never vanish
            for key, st in sheet_state.items():
                if key not in rows and st.after is not None and project_of(key) in project_ids:
                    rows[key] = ended_row(sheet, st.answers)
                    ending.add(key)
        dup = sorted(k for k in rows if k in editor.duplicates)
        if dup:
            raise RegisterError(
                f"sheet '{sheet.title}' has more than one row with the key "
                + ", ".join(f"'{k}' (rows {', '.join(map(str, editor.duplicates[k]))})" for k in dup)
                + ". Delete or re-key the copies, then run the command again."
            )
        found, diffs = plan_sheet(sheet, rows, ending, editor.read, sheet_state, policy)
        actions.extend(found)
        differences.extend(diffs)
    if differences:
        raise RegisterConflict(
            "Nothing was changed: people have edited cells that dpia wrote, and dpia will not "
            "overwrite them silently.\n"
            + "\n".join(d.describe() for d in differences)
            + "\nRun the command again with --edited keep to keep the register's values, or "
            "--edited replace to write the answers' values (either choice is recorded in the audit log)."
        )
    return actions


def _check_columns(editor: SheetEditor, log: audit.LogView, sheet_id: str) -> None:
    if not editor.missing:
        return
    used = log.columns_used(sheet_id)
    lost = [c.header for c in editor.missing if c.key in used or c.key == editor.sheet.key]
    if lost:
        raise RegisterError(
            f"sheet '{editor.sheet.title}' has lost the column(s) {', '.join(repr(h) for h in lost)} "
            "that dpia fills (deleted or renamed?). Put the header back as it was, or restore the "
            "register from its backups."
        )


def _apply(editors: dict[str, SheetEditor], layout: Layout, actions: Sequence[Action]) -> None:
    for editor in editors.values():
        if editor.missing:  # columns new in this version of the layout
            editor.add_columns(editor.missing, layout.date_format)
    for action in actions:
        editor = editors[action.sheet]
        if action.whole_row or action.write:
            editor.write(action.key, action.write, layout.date_format)
