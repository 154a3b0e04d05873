"""The audit trail catches what a person (or a crash) does behind dpia's back.

Entries removed from the end of the log, a change-log sheet deleted or edited, an
update that stopped between saving the workbook and extending the log (then
re-saved by a person), and temporary workbooks left by killed runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from registerkit import contract_text, embedded, header_col, person_edits, project, row_of

from dpia.errors import RegisterConflict, RegisterError
from dpia.register import audit, safety
from dpia.register.update import add_projects
from dpia.register.verify import verify

SHEET = "Data sharing"
LOG_SHEET = "Change log"


def two_updates(tmp_path: Path) -> Path:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    add_projects(reg, [embedded()])
    return reg


def drop_log_lines(reg: Path, keep: int) -> None:
    path = audit.log_path(reg)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:keep]))


@pytest.mark.parametrize("cut", ["last line", "second half"])
def test_entries_removed_from_the_end_of_the_log_are_found(tmp_path: Path, cut: str) -> None:
    reg = two_updates(tmp_path)
    entries = len(audit.read_log(reg).entries)
    keep = entries - 1 if cut == "last line" else entries // 2
    drop_log_lines(reg, keep)
    assert not audit.read_log(reg).problems  # what is left is a perfect chain on its own
    report = verify(reg)
    assert not report.ok
    assert any(f"last updated with audit-log entry {entries}" in p and f"has only {keep}" in p
               for p in report.problems), report.problems
    assert any("Change log" in p and "removed from the end of the log" in p for p in report.problems)
    before = reg.read_bytes()
    refused = f"has {keep} entries, but the register was last updated with {entries}"
    with pytest.raises(RegisterError, match=refused):
        add_projects(reg, [project(pid="hwn-2027-other")])
    assert reg.read_bytes() == before


def test_a_log_replaced_by_another_of_the_same_length_is_found(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    other = tmp_path / "other" / "register.xlsx"
    other.parent.mkdir()
    add_projects(other, [project(pid="hwn-2027-other")])  # as many entries: another chain
    audit.log_path(reg).write_bytes(audit.log_path(other).read_bytes())
    problems = verify(reg).problems
    assert any("has another hash: the log was replaced or rewritten" in p for p in problems)
    with pytest.raises(RegisterError, match="removed from the end of the log, or the log was replaced"):
        add_projects(reg, [embedded()])


def test_a_deleted_change_log_sheet_is_reported_and_rebuilt(tmp_path: Path) -> None:
    reg = two_updates(tmp_path)
    wb = load_workbook(reg)
    del wb[LOG_SHEET]
    wb.save(reg)
    report = verify(reg)
    assert report.problems == [
        "sheet 'Change log' is missing (deleted or renamed); the next 'dpia register add' rebuilds it "
        "from the audit log"
    ]
    add_projects(reg, [project(pid="hwn-2027-other")])
    assert verify(reg).ok
    shown = [r for r in load_workbook(reg)[LOG_SHEET].iter_rows(min_row=2, values_only=True) if any(r)]
    assert [r[-1] for r in shown] == [e["hash"][:16] for e in audit.read_log(reg).entries]


@pytest.mark.parametrize("edit", ["cell", "row deleted", "rows deleted at the end"])
def test_an_edited_change_log_sheet_is_reported(tmp_path: Path, edit: str) -> None:
    reg = two_updates(tmp_path)
    wb = load_workbook(reg)
    ws = wb[LOG_SHEET]
    ws.protection.sheet = False  # as a person must, to edit it
    if edit == "cell":
        ws.cell(5, 2).value = "somebody-else"
    elif edit == "row deleted":
        ws.delete_rows(5)
    else:
        ws.delete_rows(ws.max_row - 2, 3)
    wb.save(reg)
    problems = verify(reg).problems
    if edit == "cell":
        assert any("sheet 'Change log', row 5, column 'User': shows 'somebody-else' where log entry 4 says"
                   in p for p in problems), problems
    elif edit == "row deleted":
        assert any("sheet 'Change log', row 5" in p for p in problems), problems
    else:
        assert any("sheet 'Change log' ends before log entry" in p for p in problems), problems
    assert any("delete the sheet and the next 'dpia register add' rebuilds it" in p for p in problems)
    # Rows dpia wrote are untouched: no row is blamed.
    assert not any(p.startswith(f"sheet '{SHEET}'") for p in problems)


def test_change_log_sheet_says_what_changed_for_an_auditor(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    key = "hwn-2026-discharge/findings-to-trust"
    person_edits(reg, SHEET, {(row_of(reg, SHEET, key), header_col(reg, SHEET, "Frequency")): "Monthly"})
    changed = contract_text().replace("method: secure_download", "method: secure_portal")
    with pytest.raises(RegisterConflict):
        add_projects(reg, [project(changed)])
    add_projects(reg, [project(changed)], policy="keep")
    rows = [r for r in load_workbook(reg)[LOG_SHEET].iter_rows(min_row=2, values_only=True) if any(r)]
    by_op: dict[str, list[tuple[object, ...]]] = {}
    for r in rows:
        by_op.setdefault(str(r[2]), []).append(r)
    assert by_op["create"][0][5] == "register created"
    assert all(r[5] == "new row" for r in by_op["add"])
    update = next(r for r in by_op["update"] if r[4] == "hwn-2026-discharge/survey-export")
    assert "Transfer method: secure download -> secure portal" in str(update[5]).splitlines()
    accept = next(r for r in by_op["accept"] if r[4] == key)
    assert "Frequency: kept the register's 'Monthly'" in str(accept[5])
    assert all(r[1] and str(r[0]).endswith("Z") for r in rows)  # time and user on every row
    assert verify(reg).ok


def crash_before_the_log(reg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run an update that is killed after the workbook is replaced, before the log is extended."""

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(audit, "finish_pending", killed)
        with pytest.raises(KeyboardInterrupt):
            add_projects(reg, [embedded()])
    assert audit.pending_path(reg).exists()


def check_completed_as_dpias(reg: Path, log_before: int) -> None:
    """verify counts the stopped update as dpia's; the next add completes the log with it."""
    report = verify(reg)
    assert report.ok, report.problems
    assert any("wait in register.audit.pending.json" in n for n in report.notes)
    result = add_projects(reg, [embedded()])
    assert any("completed" in n for n in result.notes)
    assert not result.changed  # nothing was taken for a person's edit
    entries = audit.read_log(reg).entries
    assert [e["op"] for e in entries[log_before:]] == ["add"] * 12
    assert not audit.read_log(reg).problems
    report = verify(reg)
    assert report.ok and not report.notes, (report.problems, report.notes)


def crashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int]:
    """A register whose second update stopped before the log; the log's length before it."""
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    log_before = len(audit.read_log(reg).entries)
    crash_before_the_log(reg, monkeypatch)
    return reg, log_before


def test_a_crash_before_the_log_is_never_blamed_on_a_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_completed_as_dpias(*crashed(tmp_path, monkeypatch))


def test_a_crash_before_the_log_then_a_resave_is_still_dpias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, log_before = crashed(tmp_path, monkeypatch)
    saved = reg.read_bytes()
    load_workbook(reg).save(reg)  # a person opens and saves it (LibreOffice: test_register_libreoffice)
    assert reg.read_bytes() != saved
    check_completed_as_dpias(reg, log_before)


def test_a_crash_half_way_through_extending_the_log_is_completed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, log_before = crashed(tmp_path, monkeypatch)
    pending = audit.read_pending(reg)
    assert pending is not None
    half = b"".join(audit.canonical(e) + b"\n" for e in pending.entries[:5]) + b'{"seq": 1'
    with audit.log_path(reg).open("ab") as handle:
        handle.write(half)
    check_completed_as_dpias(reg, log_before)


def test_an_update_finds_rows_through_the_index_and_rebuilds_a_stale_one(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    index = audit.index_path(reg)
    assert index.exists()
    key = "hwn-2026-discharge/findings-to-trust"
    person_edits(reg, SHEET, {(row_of(reg, SHEET, key), header_col(reg, SHEET, "Frequency")): "Monthly"})
    # An index pointing at the wrong entries (or none) is never trusted: the edit is still found.
    for damage in (b'{"format": "dpia-audit-index/1"', index.read_bytes().replace(b'"sharing"', b'"x"')):
        index.write_bytes(damage)
        with pytest.raises(RegisterConflict, match="Monthly"):
            add_projects(reg, [project()])
    index.unlink()
    with pytest.raises(RegisterConflict, match="Monthly"):
        add_projects(reg, [project()])


KILLED_WORKER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from openpyxl.workbook.workbook import Workbook
from registerkit import embedded
from dpia.register.update import add_projects

def slow_save(self, filename):  # into memory or a file: the temporary file exists already
    if hasattr(filename, "write"):
        filename.write(b"PK\\x03\\x04 half a workbook")
    else:
        Path(filename).write_bytes(b"PK\\x03\\x04 half a workbook")
    print("saving", flush=True)
    time.sleep(120)

Workbook.save = slow_save
add_projects(Path(sys.argv[1]), [embedded()])
"""


def temporaries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp.xlsx"))


def test_temporary_workbooks_of_killed_runs_are_removed_under_the_lock(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    code = KILLED_WORKER.format(root=str(ROOT), tests=str(ROOT / "tests"))
    pids = []
    for _ in range(2):  # the second run, once it holds the lock, removes the first one's
        worker = subprocess.Popen([sys.executable, "-c", code, str(reg)], stdout=subprocess.PIPE)
        assert worker.stdout is not None and worker.stdout.readline() == b"saving\n"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        pids.append(worker.pid)
    assert [p.name.split(".")[2] for p in temporaries(tmp_path)] == [str(pids[1])]
    # One of a process that still runs is left alone.
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = tmp_path / f".register.{alive.pid}.abcd1234.tmp.xlsx"
        running.write_bytes(b"PK")
        time.sleep(0.1)
        add_projects(reg, [embedded()])
        assert temporaries(tmp_path) == [running]
    finally:
        alive.kill()
        alive.wait()
    assert safety.remove_stale_temporaries(reg) == [running]
    # Another register's (register.old.xlsx) in the same folder is not this one's to remove.
    theirs = tmp_path / ".register.old.1.abcd1234.tmp.xlsx"
    theirs.write_bytes(b"PK")
    assert safety.remove_stale_temporaries(reg) == [] and theirs.exists()
    assert verify(reg).ok


def test_an_update_reads_only_the_end_of_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = two_updates(tmp_path)
    log_before = audit.log_path(reg).read_bytes()

    def whole_log(*args: object, **kwargs: object) -> None:
        raise AssertionError("an update read the whole audit log")

    with monkeypatch.context() as m:
        m.setattr(audit, "iter_log", whole_log)
        m.setattr(audit, "read_log", whole_log)
        result = add_projects(reg, [project(pid="hwn-2027-other")])
    # its flows, its project row and its processor row; the organisations are there
    assert result.counts == {"add": 3 + 1 + 1}
    assert audit.log_path(reg).read_bytes().startswith(log_before)  # appended, not rewritten
    assert verify(reg).ok


def test_an_index_that_cannot_be_written_is_rebuilt_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(audit, "write_offsets", disk_full)
        add_projects(reg, [embedded()])  # the index is a cache: the update itself went through
    assert not audit.index_path(reg).exists() and not audit.pending_path(reg).exists()
    key = "hws-2027-waiting-well/survey-export"
    person_edits(reg, SHEET, {(row_of(reg, SHEET, key), header_col(reg, SHEET, "Frequency")): "Hourly"})
    with pytest.raises(RegisterConflict, match="Hourly"):  # found through the rebuilt index
        add_projects(reg, [embedded()])
    assert any("Hourly" in p for p in verify(reg).problems)
