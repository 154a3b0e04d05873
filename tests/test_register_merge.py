"""Building rows, merging projects, people's edits, ended flows and verify, in-process."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from registerkit import contract_text, embedded, header_col, person_edits, project, row_of

from dpia.errors import RegisterConflict, RegisterError
from dpia.register import audit
from dpia.register.rows import sharing_rows
from dpia.register.update import add_projects
from dpia.register.verify import verify

SHEET = "Data sharing"


def sharing_keys(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    try:
        return [r[0] for r in wb[SHEET].iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    finally:
        wb.close()


def cell(path: Path, sheet: str, key: str, header: str) -> object:
    wb = load_workbook(path)
    return wb[sheet].cell(row_of(path, sheet, key), header_col(path, sheet, header)).value


def test_rows_fill_register_columns_from_the_answers() -> None:
    p, a = project()
    rows = sharing_rows(p, a)
    survey = rows["hwn-2026-discharge/survey-export"]
    assert survey["status"] == "ended"  # ended 2026-06-30, before TODAY
    assert survey["recipient_relationship"] == "joint controller"  # hwn is a joint controller
    assert rows["hwn-2026-discharge/recordings-to-transcriber"]["recipient_relationship"] == "processor"
    assert rows["hwn-2026-discharge/recordings-to-transcriber"]["processor_contract"] == "yes"
    assert survey["dpia_status"] == "required"
    assert survey["dpia_reference"] == f"hwn-2026-discharge ({a.fingerprint})"
    assert survey["starts"] == date(2026, 3, 1)
    assert "https://example.org/healthwatch-northtown/privacy" in str(survey["where_told"])
    assert survey["decision_maker"] == "Sam Lee, Chief Executive, Healthwatch Northtown"
    trust = rows["hwn-2026-discharge/findings-to-trust"]
    assert trust["special_category"] == "not applicable: no personal data"
    assert trust["status"] == "active"
    p2, a2 = embedded()
    phone = sharing_rows(p2, a2)["hws-2027-waiting-well/phone-answers"]
    assert phone["method_secure"] == "no"
    # Sent by a processor that has no contract (issue 9: it said "not applicable").
    assert phone["processor_contract"] == "no"
    volunteers = sharing_rows(p2, a2)["hws-2027-waiting-well/interview-volunteers"]
    assert volunteers["transfer_country"] == "none"
    assert phone["decision_maker"] is None  # a draft: nobody approved yet


def test_merge_of_several_projects_keeps_every_row_and_logs_each(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    r1 = add_projects(reg, [project()])
    # 3 flows and a row for the survey platform, which holds the data; 5 organisations; 1 project
    assert r1.created and r1.counts == {"add": 4 + 5 + 1}
    add_projects(reg, [embedded()])
    add_projects(reg, [project(pid="hwn-2027-other")])
    keys = sharing_keys(reg)
    assert len(keys) == 4 + 5 + 4
    assert keys[:3] == [f"hwn-2026-discharge/{f}" for f in
                        ("survey-export", "recordings-to-transcriber", "findings-to-trust")]
    assert "hwn-2027-other/findings-to-trust" in keys
    # The same organisations in a second project are not duplicated.
    wb = load_workbook(reg, read_only=True)
    org_ids = [r[0] for r in wb["Organisations"].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert org_ids.count("hwn") == 1
    wb.close()
    # Real dates with a number format, and an unchanged rerun writes nothing.
    starts = cell(reg, SHEET, "hwn-2026-discharge/survey-export", "Starts")
    assert isinstance(starts, datetime) and starts.date() == date(2026, 3, 1)
    before = reg.read_bytes()
    again = add_projects(reg, [embedded()])
    assert not again.changed and reg.read_bytes() == before
    report = verify(reg)
    assert report.ok, report.problems
    assert report.tool_rows == len(keys) + len(org_ids) + 3


def test_workbook_has_table_filters_frozen_header_dropdowns_and_overdue_highlight(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project(), embedded()])
    wb = load_workbook(reg)
    ws = wb[SHEET]
    assert ws.freeze_panes == "A2"
    table = ws.tables["DataSharing"]
    assert table.ref == f"A1:AM{ws.max_row}" and table.tableStyleInfo.name
    assert ws["A1"].comment is not None and "Project id / flow id" in ws["A1"].comment.text
    method_col = header_col(reg, SHEET, "Transfer method")
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any(f.startswith("Lists!") for f in formulas)
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    listed = {c.value for row in lists.iter_rows() for c in row}
    assert {"secure file transfer (SFTP)", "ordinary (unencrypted) email", "joint controller"} <= listed
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert any("TODAY()" in f and '"ended"' in f for f in rules)
    assert wb["Change log"].protection.sheet
    assert wb["Change log"].max_row == len(audit.read_log(reg).entries) + 1
    assert method_col > 1


def test_changed_flow_is_updated_and_removed_flow_is_ended_not_deleted(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    text = contract_text().replace("method: secure_download", "method: secure_portal")
    # Remove the (active) flow of findings to the trust from the answers.
    text = text[: text.index("  - id: findings-to-trust")] + text[text.index("\nfindings:"):]
    result = add_projects(reg, [project(text)])
    assert result.counts.get("end") == 1
    assert cell(reg, SHEET, "hwn-2026-discharge/survey-export", "Transfer method") == "secure portal"
    assert cell(reg, SHEET, "hwn-2026-discharge/findings-to-trust", "Status") == "ended"
    assert sharing_keys(reg)[2] == "hwn-2026-discharge/findings-to-trust"
    ops = [e["op"] for e in audit.read_log(reg).entries]
    assert "end" in ops and "update" in ops
    assert verify(reg).ok
    # Putting the flow back makes it active again.
    add_projects(reg, [project()])
    assert cell(reg, SHEET, "hwn-2026-discharge/findings-to-trust", "Status") == "active"


def test_person_edit_stops_the_merge_and_flags_choose_the_winner(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    key = "hwn-2026-discharge/findings-to-trust"
    row, col = row_of(reg, SHEET, key), header_col(reg, SHEET, "Purpose of sharing")
    person_edits(reg, SHEET, {(row, col): "Edited by the DPO"})
    edited = reg.read_bytes()

    report = verify(reg)
    assert not report.ok
    assert any("Purpose of sharing" in p and "Edited by the DPO" in p for p in report.problems)

    changed = contract_text().replace("purpose: Inform changes", "purpose: Improve")
    with pytest.raises(RegisterConflict) as exc:
        add_projects(reg, [project(changed)])
    message = str(exc.value)
    assert "Edited by the DPO" in message and "Inform changes" in message and "Improve" in message
    assert "--edited keep" in message
    assert reg.read_bytes() == edited

    add_projects(reg, [project(changed)], policy="keep")
    assert cell(reg, SHEET, key, "Purpose of sharing") == "Edited by the DPO"
    assert verify(reg).ok  # the kept edit is accounted for
    assert not add_projects(reg, [project(changed)]).changed  # and not proposed again

    add_projects(reg, [project(changed)], policy="replace")
    # replace only acts on cells edited since: none now, so the kept value stays ...
    assert cell(reg, SHEET, key, "Purpose of sharing") == "Edited by the DPO"
    # ... until the answers change that cell again.
    newer = contract_text().replace("purpose: Inform changes", "purpose: Redesign")
    add_projects(reg, [project(newer)])
    assert str(cell(reg, SHEET, key, "Purpose of sharing")).startswith("Redesign")


def test_replace_writes_the_answers_over_an_edit(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    key = "hwn-2026-discharge/survey-export"
    person_edits(reg, SHEET, {(row_of(reg, SHEET, key), header_col(reg, SHEET, "Frequency")): "Daily"})
    result = add_projects(reg, [project()], policy="replace")
    assert result.counts == {"update": 1}
    assert cell(reg, SHEET, key, "Frequency") == "Weekly while the survey is open"
    last = audit.read_log(reg).entries[-1]
    assert last["before"]["frequency"] == "Daily" and last["after"]["frequency"].startswith("Weekly")
    assert verify(reg).ok


def test_verify_reports_deletion_reordering_and_log_tampering(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    wb = load_workbook(reg)
    ws = wb[SHEET]
    a = [c.value for c in ws[2]]
    b = [c.value for c in ws[3]]
    for idx, (x, y) in enumerate(zip(a, b, strict=True), start=1):
        ws.cell(2, idx).value, ws.cell(3, idx).value = y, x
    ws.delete_rows(4)
    wb.save(reg)
    problems = verify(reg).problems
    assert any("not in the order" in p for p in problems)
    assert any("findings-to-trust' that dpia wrote was deleted" in p for p in problems)

    log = audit.log_path(reg)
    lines = log.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[2])
    entry["after"]["purpose"] = "Rewritten history"
    lines[2] = json.dumps(entry)
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = verify(reg).problems
    assert any("log entry 3" in p and "changed after it was written" in p for p in problems)
    with pytest.raises(RegisterError, match="audit log .* is damaged"):
        add_projects(reg, [project()])


def test_people_rows_and_columns_survive_and_are_listed_as_theirs(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    wb = load_workbook(reg)
    ws = wb[SHEET]
    ws.insert_cols(3)  # a person's column in the middle
    ws.cell(1, 3).value = "Our notes"
    ws.cell(2, 3).value = "checked by IG"
    ws.cell(6, 1).value = "manual/phone-list"  # below the project's 4 rows
    ws.cell(6, 2).value = "a share we record by hand"
    wb.save(reg)
    add_projects(reg, [embedded()])
    report = verify(reg)
    assert report.ok, report.problems
    assert report.people_columns == {SHEET: ["Our notes"]}
    assert report.people_rows[SHEET] == ["manual/phone-list"]
    wb = load_workbook(reg)
    ws = wb[SHEET]
    assert ws.cell(2, 3).value == "checked by IG"
    assert ws.cell(6, 1).value == "manual/phone-list"
    assert ws.cell(7, 1).value == "hws-2027-waiting-well/survey-export"


def test_rich_text_a_person_added_survives_an_update(tmp_path: Path) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    wb = load_workbook(reg)
    ws = wb[SHEET]
    ws.cell(1, 40).value = "Notes"
    ws.cell(2, 40).value = CellRichText("Check ", TextBlock(InlineFont(b=True), "before March"))
    wb.save(reg)
    add_projects(reg, [embedded()])
    kept = load_workbook(reg, rich_text=True)[SHEET].cell(2, 40).value
    assert isinstance(kept, CellRichText) and kept[1].font.b and str(kept) == "Check before March"


def test_how_to_and_change_log_sheets_a_person_removed_are_rebuilt(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    wb = load_workbook(reg)
    del wb["How to use"]
    wb["Change log"].title = "Old log"
    wb.save(reg)
    add_projects(reg, [embedded()])
    wb = load_workbook(reg)
    assert "How to use" in wb.sheetnames and "Old log" in wb.sheetnames
    logged = audit.read_log(reg).entries
    shown = [r for r in wb["Change log"].iter_rows(min_row=2, values_only=True) if any(r)]
    assert [r[-1] for r in shown] == [str(e["hash"])[:16] for e in logged]
    assert verify(reg).ok


def test_a_renamed_row_sheet_is_refused_naming_the_sheets_found(tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    wb = load_workbook(reg)
    wb[SHEET].title = "Sharing 2026"
    wb.save(reg)
    before = reg.read_bytes()
    with pytest.raises(RegisterError, match="no sheet 'Data sharing' .*'Sharing 2026'"):
        add_projects(reg, [embedded()])
    assert reg.read_bytes() == before


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_text_with_unicode_line_separators_keeps_the_audit_log_readable(
    tmp_path: Path, separator: str
) -> None:
    escaped = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\x85"}[separator]
    text = contract_text().replace("purpose: ", f'purpose: "Line one{escaped}line two" #', 1)
    item = project(text)
    assert separator in item[0].sharing[0].purpose
    reg = tmp_path / "register.xlsx"
    add_projects(reg, [item])
    assert separator in audit.log_path(reg).read_text(encoding="utf-8")  # JSON leaves it as is
    report = verify(reg)
    assert report.ok, report.problems
    add_projects(reg, [embedded()])  # the chain still reads, so the next update goes ahead
    assert verify(reg).ok


def test_summary_counts_each_row_people_typed_without_a_key(tmp_path: Path) -> None:
    from dpia.register.reports import summary

    reg = tmp_path / "register.xlsx"
    add_projects(reg, [project()])
    before = summary(reg).by_partner.set_index("partner")["flows"].to_dict()
    wb = load_workbook(reg)
    ws = wb[SHEET]
    frm, to = header_col(reg, SHEET, "From organisation"), header_col(reg, SHEET, "To organisation")
    for row in (10, 11):  # two shares recorded by hand, neither with a register key
        ws.cell(row, frm).value, ws.cell(row, to).value = "Northtown Library", "Town Hall"
    wb.save(reg)
    result = summary(reg)
    counts = result.by_partner.set_index("partner")["flows"].to_dict()
    assert result.flows == sum(1 for _ in sharing_keys(reg)) + 2
    assert counts["Northtown Library"] == 2 and counts["Town Hall"] == 2
    assert {k: counts[k] for k in before} == before
