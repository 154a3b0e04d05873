"""The register is never lost: injection, failures during save, locks, concurrent writers."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook
from registerkit import contract_text, embedded, project

from dpia.errors import RegisterError
from dpia.register import audit, safety
from dpia.register.update import add_projects
from dpia.register.verify import verify

PAYLOADS = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "=1+1",
    "+44 20 7946 0000",
    "-5",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\nNew line first",
    "#N/A",
    "#REF!",
    "'already quoted",
]


def payload_project_text() -> str:
    text = contract_text()
    for i, payload in enumerate(PAYLOADS):
        flow = (
            f"  - id: payload-{i}\n    from: hwn\n    to: ngh\n    data: [Aggregate findings]\n"
            f"    identifiability: aggregate\n    purpose: {_yaml(payload)}\n    method: nhsmail\n"
            "    starts: 2026-09-01\n    review: 2027-03-01\n"
        )
        text = text.replace("\nfindings:", "\n" + flow + "\nfindings:", 1)
    return text


def _yaml(text: str) -> str:
    import json

    return json.dumps(text)  # JSON strings are YAML strings


def test_injection_payloads_are_stored_as_literal_text(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project(payload_project_text())])
    wb = load_workbook(reg)
    ws = wb["Data sharing"]
    purpose_col = [c.value for c in ws[1]].index("Purpose of sharing") + 1
    found = {}
    for row in ws.iter_rows(min_row=2):
        key = row[0].value
        if key and "/payload-" in key:
            c = row[purpose_col - 1]
            found[int(key.rsplit("-", 1)[1])] = c
    for i, payload in enumerate(PAYLOADS):
        c = found[i]
        assert c.value == payload and c.data_type == "s", payload
        if payload[0] in "=+-@\t\n#":
            assert c.quotePrefix, payload
    with zipfile.ZipFile(reg) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


@pytest.mark.parametrize(
    ("bad", "message"),
    [("Vertical\x0btab from Word", "control character"), ("x" * 40000, "at most 32,767")],
)
def test_text_a_cell_cannot_hold_is_refused_naming_the_field(tmp_path: Path, bad: str, message: str) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    before = reg.read_bytes()
    # YAML itself refuses control characters, but other routes (prompts, code) may not.
    p, a = project()
    p.sharing[2].frequency = bad
    with pytest.raises(RegisterError, match=message) as exc:
        add_projects(reg, [(p, a)])
    assert "findings-to-trust" in str(exc.value) and "'Frequency'" in str(exc.value)
    assert reg.read_bytes() == before


@pytest.mark.parametrize("where", ["save", "prove", "pending", "backup", "replace"])
def test_failure_during_save_leaves_register_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    before = reg.read_bytes()
    log_before = audit.log_path(reg).read_bytes()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(f"injected failure at {where}")

    if where == "save":
        from openpyxl.workbook.workbook import Workbook

        def half_then_boom(self: object, filename: str) -> None:
            Path(filename).write_bytes(b"PK\x03\x04 half a zip")
            raise OSError("disk full")

        monkeypatch.setattr(Workbook, "save", half_then_boom)
    elif where == "prove":
        monkeypatch.setattr(safety, "prove_opens", lambda *a: (_ for _ in ()).throw(RegisterError("x")))
    elif where == "pending":
        monkeypatch.setattr(audit, "write_pending", boom)
    elif where == "backup":
        monkeypatch.setattr(safety, "keep_backup", boom)
    else:
        monkeypatch.setattr(safety.os, "replace", boom)
    with pytest.raises((OSError, RegisterError)):
        add_projects(reg, [embedded()])
    monkeypatch.undo()
    assert reg.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp.xlsx")]
    # The next run tidies up any unfinished update and works.
    assert verify(reg).ok
    add_projects(reg, [embedded()])
    assert audit.log_path(reg).read_bytes().startswith(log_before)
    assert verify(reg).ok


def test_crash_after_replace_before_log_is_completed_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    monkeypatch.setattr(audit, "finish_pending", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    from dpia.register import update

    monkeypatch.setattr(update.audit, "finish_pending", audit.finish_pending)
    with pytest.raises(KeyboardInterrupt):
        add_projects(reg, [embedded()])
    monkeypatch.undo()
    assert audit.pending_path(reg).exists()
    result = add_projects(reg, [embedded()])
    assert any("completed" in n for n in result.notes)
    assert not result.changed
    assert verify(reg).ok


@pytest.mark.parametrize("lock_name", ["~$register.xlsx", ".~lock.register.xlsx#"])
def test_register_open_in_excel_or_libreoffice_is_refused(tmp_path: Path, lock_name: str) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    before = reg.read_bytes()
    (tmp_path / lock_name).write_text("someone", encoding="utf-8")
    with pytest.raises(RegisterError, match="open in Excel or LibreOffice"):
        add_projects(reg, [embedded()])
    assert reg.read_bytes() == before


def test_register_changed_between_read_and_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    real = safety.prove_opens

    def someone_saves(path: Path, titles: list[str]) -> None:
        real(path, titles)
        reg.write_bytes(reg.read_bytes() + b"")  # same bytes: allowed
        data = reg.read_bytes()
        reg.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # a different save

    monkeypatch.setattr(safety, "prove_opens", someone_saves)
    with pytest.raises(RegisterError, match="changed by someone else"):
        add_projects(reg, [embedded()])


def test_lock_file_makes_a_second_writer_wait_then_give_up(tmp_path: Path) -> None:
    from filelock import FileLock

    reg = tmp_path / "register.xlsx"
    with (
        FileLock(str(safety.lock_path(reg))),
        pytest.raises(RegisterError, match="another dpia command"),
        safety.writer_lock(reg, timeout=0.2),
    ):
        pass


def test_content_openpyxl_would_drop_is_refused(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    # Add a text box, as Excel stores it, to the workbook's zip.
    src = reg.read_bytes()
    out = tmp_path / "with-shape.xlsx"
    with zipfile.ZipFile(reg) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/drawings/drawing9.xml", '<xdr:wsDr xmlns:xdr="x"><xdr:sp macro=""/></xdr:wsDr>')
    os.replace(out, reg)
    with_shape = reg.read_bytes()
    assert with_shape != src
    with pytest.raises(RegisterError, match="text box or shape"):
        add_projects(reg, [embedded()])
    assert reg.read_bytes() == with_shape


def test_backups_are_timestamped_and_limited(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    for i in range(3):
        add_projects(reg, [project(pid=f"hwn-extra-{i}")])
    backups = sorted(safety.backups_dir(reg).glob("register-*.xlsx"))
    assert len(backups) == 3
    for _ in range(3):
        safety.keep_backup(reg, b"old", kept=2)
    assert len(list(safety.backups_dir(reg).glob("register-*.xlsx"))) == 2


WORKER = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from registerkit import project
from dpia.register.update import add_projects
add_projects(Path(sys.argv[1]), [project(pid=sys.argv[2])])
"""


def test_several_processes_adding_at_once_lose_no_row(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    code = WORKER.format(root=str(ROOT), tests=str(ROOT / "tests"))
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(reg), f"hwn-parallel-{i}"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    wb = load_workbook(reg, read_only=True)
    keys = [r[0] for r in wb["Data sharing"].iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    wb.close()
    assert len(keys) == 4 * 4 and len(set(keys)) == 16  # 3 flows and 1 processor row each
    report = verify(reg)
    assert report.ok, report.problems
