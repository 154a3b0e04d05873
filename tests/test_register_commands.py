"""The register commands as users run them: add, build --register, verify, due, summary."""

from __future__ import annotations

from pathlib import Path

from conftest import RunDpia
from openpyxl import load_workbook
from registerkit import header_col, person_edits, row_of


def test_register_commands_end_to_end(run_dpia: RunDpia, contract_path: Path, tmp_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    built = run_dpia("build", contract_path, "--out", tmp_path / "out", "--date", "2026-11-26",
                     "--register", reg)
    assert built.returncode == 0, built.stderr
    own = load_workbook(tmp_path / "out" / "data-sharing-register.xlsx", read_only=True)
    # 3 flows and a row for the processor that holds the data
    assert len([r for r in own["Data sharing"].iter_rows(min_row=2, values_only=True) if r[0]]) == 4
    own.close()
    added = run_dpia("register", "add", "--example", "--register", reg, "--date", "2026-11-26")
    assert added.returncode == 0, added.stderr
    assert "12 row(s) added" in added.stdout

    ok = run_dpia("register", "verify", reg)
    assert ok.returncode == 0 and "OK:" in ok.stdout
    head = ok.stdout.split("Latest audit-log hash: ")[1].split()[0]
    assert len(head) == 64

    due = run_dpia("register", "due", reg, "--on", "2027-03-10")
    assert due.returncode == 0, due.stderr
    lines = due.stdout.splitlines()
    overdue = [ln for ln in lines if "overdue by 9 days" in ln]
    assert len(overdue) == 2 and any("findings-to-trust" in ln for ln in overdue)
    assert any("interview-volunteers" in ln and "due in 5 days" in ln for ln in lines)
    assert any("hwn-2026-discharge" in ln and "overdue by 222 days" in ln for ln in lines)
    late = run_dpia("register", "due", reg, "--on", "2027-05-01", "--within", "1")
    # Three flows ended on 2027-04-30 but were written as planned on 2026-11-26.
    assert "still marked active" not in late.stdout  # none was marked active

    summary = run_dpia("register", "summary", reg)
    assert summary.returncode == 0, summary.stderr
    assert "9 data flow(s)" in summary.stdout
    email = next(ln for ln in summary.stdout.splitlines() if "ordinary (unencrypted) email" in ln)
    assert "NO: insecure" in email and " 1 " in email
    assert any(ln.split()[:3] == ["Healthwatch", "Southby", "5"] for ln in summary.stdout.splitlines())

    key = "hwn-2026-discharge/survey-export"
    person_edits(reg, "Data sharing", {(row_of(reg, "Data sharing", key),
                                        header_col(reg, "Data sharing", "Status")): "active"})
    bad = run_dpia("register", "verify", reg)
    assert bad.returncode == 1 and "column 'Status'" in bad.stdout and "'active'" in bad.stdout
    stop = run_dpia("register", "add", contract_path, "--register", reg, "--date", "2026-11-26")
    assert stop.returncode == 1 and "--edited keep" in stop.stderr and "Traceback" not in stop.stderr
    late = run_dpia("register", "due", reg, "--on", "2026-12-01")
    assert "still marked active" in late.stdout and key in late.stdout

    (tmp_path / ".~lock.register.xlsx#").write_text("x", encoding="utf-8")
    refused = run_dpia("register", "add", contract_path, "--register", reg, "--edited", "keep")
    assert refused.returncode == 1 and "open in Excel or LibreOffice" in refused.stderr
    missing = run_dpia("register", "verify", tmp_path / "nope.xlsx")
    assert missing.returncode == 2
