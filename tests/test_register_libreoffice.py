"""The register as LibreOffice meets it: re-saved by a person, and read as a spreadsheet program shows it.

LibreOffice runs twice for the whole module (once to re-save workbooks, once to
convert to CSV) to keep CI fast. Without LibreOffice these tests fail with a
message saying how to install it; they are never skipped silently.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from registerkit import convert, embedded, header_col, project, row_of
from test_register_safety import PAYLOADS, payload_project_text

from dpia.errors import RegisterConflict
from dpia.register import audit
from dpia.register.update import add_projects
from dpia.register.verify import verify

SHEET = "Data sharing"
EDITED_KEY = "hwn-2026-discharge/findings-to-trust"


@pytest.fixture(scope="module")
def lo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("lo")
    made: dict[str, Path] = {}
    for name in ("people", "edited", "payloads", "crashed"):
        folder = base / name
        folder.mkdir()
        made[name] = folder / f"{name}-register.xlsx"  # distinct names: one LibreOffice output folder
    add_projects(made["people"], [project()])
    wb = load_workbook(made["people"])
    ws = wb[SHEET]
    ws.insert_cols(2)
    ws.cell(1, 2).value = "IG notes"
    ws.cell(2, 2).value = "Checked 3 March"
    ws.cell(2, 2).font = Font(bold=True)
    ws.cell(2, 2).fill = PatternFill("solid", fgColor="FFFF00")
    ws.cell(6, 1).value = "by-hand/old-share"
    ws.cell(6, 3).value = "an older share we record by hand"
    wb.save(made["people"])

    add_projects(made["edited"], [project()])
    wb = load_workbook(made["edited"])
    ws = wb[SHEET]
    row, col = row_of(made["edited"], SHEET, EDITED_KEY), header_col(made["edited"], SHEET, "Frequency")
    ws.cell(row, col).value = "Twice, edited by a person"
    wb.save(made["edited"])

    add_projects(made["payloads"], [project(payload_project_text())])

    # An update stopped after replacing the workbook, before extending the audit log.
    add_projects(made["crashed"], [project()])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(audit, "finish_pending", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
        with pytest.raises(KeyboardInterrupt):
            add_projects(made["crashed"], [embedded()])

    # A person opens each register in LibreOffice and saves it (one LibreOffice run).
    names = ("people", "edited", "crashed")
    resaved = convert([made[n] for n in names], "xlsx", base / "resaved")
    for name, path in zip(names, resaved, strict=True):
        shutil.copyfile(path, made[name])
    # LibreOffice shows the payload register's first sheet as text (another run).
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76"  # comma, double quote, UTF-8
    made["payloads.csv"] = convert([made["payloads"]], csv_filter, base / "csv")[0]
    return made


def test_people_rows_columns_and_formatting_survive_a_libreoffice_resave(lo: dict[str, Path]) -> None:
    reg = lo["people"]
    assert verify(reg).ok, verify(reg).problems  # LibreOffice's re-save changes no logged value
    result = add_projects(reg, [embedded()])
    assert result.counts["add"] == 5 + 6 + 1
    report = verify(reg)
    assert report.ok, report.problems
    assert report.people_columns[SHEET] == ["IG notes"]
    assert report.people_rows[SHEET] == ["by-hand/old-share"]
    wb = load_workbook(reg)
    ws = wb[SHEET]
    assert ws.cell(1, 2).value == "IG notes"
    assert ws.cell(2, 2).value == "Checked 3 March"
    assert ws.cell(2, 2).font.b and ws.cell(2, 2).fill.fgColor.rgb.endswith("FFFF00")
    assert ws.cell(6, 1).value == "by-hand/old-share"
    assert ws.cell(7, 1).value == "hws-2027-waiting-well/survey-export"
    assert ws.freeze_panes == "A2"  # LibreOffice drops it on a headless save; dpia puts it back
    table = ws.tables["DataSharing"]  # covers the data (and people's column), not LibreOffice's empty rows
    assert table.ref == "A1:AN11" and table.tableStyleInfo.name == "TableStyleMedium2"


def test_edit_made_before_a_libreoffice_resave_is_found_by_verify_and_merge(lo: dict[str, Path]) -> None:
    reg = lo["edited"]
    problems = verify(reg).problems
    assert len(problems) == 1, problems
    assert EDITED_KEY in problems[0] and "Twice, edited by a person" in problems[0]
    with pytest.raises(RegisterConflict, match="Twice, edited by a person"):
        add_projects(reg, [project()])


def test_a_crash_before_the_log_then_a_libreoffice_resave_is_never_blamed_on_a_person(
    lo: dict[str, Path],
) -> None:
    reg = lo["crashed"]
    assert audit.pending_path(reg).exists()
    report = verify(reg)  # the stopped update's rows are dpia's, not five people's edits
    assert report.ok, report.problems
    assert any("they wait in crashed-register.audit.pending.json" in n for n in report.notes)
    result = add_projects(reg, [embedded()])
    assert any("was completed" in n for n in result.notes) and not result.changed
    entries = audit.read_log(reg).entries
    assert [e["op"] for e in entries[-12:]] == ["add"] * 12 and not audit.read_log(reg).problems
    report = verify(reg)
    assert report.ok and not report.notes, (report.problems, report.notes)


def test_libreoffice_shows_injection_payloads_literally(lo: dict[str, Path]) -> None:
    with open(lo["payloads.csv"], encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    purpose = header.index("Purpose of sharing")
    shown = {r[0]: r[purpose] for r in rows[1:] if r and "/payload-" in r[0]}
    for i, payload in enumerate(PAYLOADS):
        assert shown[f"hwn-2026-discharge/payload-{i}"] == payload
