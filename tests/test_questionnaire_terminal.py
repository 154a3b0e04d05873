"""`dpia new` and `dpia edit` as people run them: in a real terminal (pexpect), and without one."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT, RunDpia

pexpect = pytest.importorskip("pexpect")

DOWN = "\x1b[B"
UP = "\x1b[A"
ENTER = "\r"

# (text on screen to wait for, keys to send): a whole questionnaire from empty.
SCRIPT: list[tuple[str, str]] = [
    ("What is the project called?", "Carers and discharge" + ENTER),
    ("what is it for?", "We ask carers about leaving hospital." + ENTER),
    ("How will you gather people's views?", " " + DOWN * 3 + " " + ENTER),
    ("When does the project start?", "2026-02-01" + ENTER),
    ("When does it end?", "2026-09-30" + ENTER),
    ("recorded their agreement in writing?", "n"),
    ("Accept the usual check-ins?", ENTER),  # planning, analysis, recommendations: as dated
    ("Section 2 of 8", ""),
    # both names in one answer; each id suggested, not asked
    ("Names of all the organisations", "Healthwatch Northtown; Northtown Carers Centre" + ENTER),
    ("Healthwatch Northtown: local Healthwatch", ""),  # the kind the first name says
    ("The kinds of organisation their names say: accept?", ENTER),
    ("privacy-notice web address now?", "y"),
    ("ICO registration number", "ZA123456" + ENTER),
    ("Postal address", ENTER),
    ("privacy notice", ENTER),
    ("Data Protection Officer (DPO): name and email", "Priya Shah, dpo@hw.example" + ENTER),
    ("What kind of organisation is it?", DOWN * 5 + ENTER),  # the carers centre: voluntary
    ("privacy-notice web address now?", "n"),  # left for later: no per-field prompts
    ("Data Protection Officer (DPO): name and email", ENTER),  # none
    ("leads on data protection there?", "Jo Evans, jo@ncc.example" + ENTER),
    ("Organisations: what next?", ENTER),  # done: suggested with two
    ("Which organisation leads the project?", ENTER),
    ("Who commissioned it?", ENTER),
    ("Section 3 of 8", ""),
    # "<organisation> alone decides ..." for each, then joint
    ("Which arrangement describes the controllers?", DOWN * 2 + ENTER),
    ("Which organisations are the controllers?", " " + DOWN + " " + ENTER),
    ("who does what?", "HWN designs and holds the data; NCC recruits" + ENTER),
    ("Which controller do participants contact?", ENTER),
    ("Which of these organisations are processors?", ENTER),  # none
    ("Whose Data Protection Officer", ENTER),
    ("see, correct or delete", ENTER),
    ("safeguarding concern?", ENTER),
    ("The role of the person", "Designated Safeguarding Lead" + ENTER),
    ("step by step?", ENTER),
    ("lost or sent to the wrong person?", ENTER),
    ("Section 4 of 8", ""),
    ("Whose information will you collect?", DOWN + " " + ENTER),
    ("About how many people", "350" + ENTER),
    ("Where do they live", ENTER),
    ("What will you record about them?", " " + ENTER),
    ("more sensitive kinds of information?", ENTER),
    ("crimes or criminal convictions?", ENTER),
    ("Will children", ENTER),
    ("vulnerable take part?", ENTER),
    ("who does not take part?", "the person the carer looks after" + ENTER),
    ("rely on the same lawful basis?", "n"),
    ("Lawful basis for Healthwatch Northtown", ENTER),
    ("Lawful basis for Northtown Carers Centre", DOWN + ENTER),
    ("What are the legitimate interests?", "Better support for carers" + ENTER),
    ("Which Article 9 condition", ENTER),
    ("Schedule 1 condition goes with it?", ENTER),
    ("Where will the data be held?", "Microsoft 365 in the UK" + ENTER),
    ("Transfers outside the UK: what next?", ENTER),  # none: the suggestion
    ("Which data?", "Survey answers" + ENTER),
    ("How long is it kept?", "12 months after publication" + ENTER),
    ("What happens then?", ENTER),
    ("Retention periods: what next?", ENTER),
    ("How will you anonymise the data?", ENTER),
    ("Counts below which number", ENTER),
    ("How, and until when, can people withdraw?", "Until 1 July" + ENTER),
    ("What security measures protect the data?", "Multi-factor authentication" + ENTER),
    ("Section 5 of 8", ""),
    ("Sharing flows: what next?", DOWN + ENTER),
    ("Section 6 of 8", ""),
    ("How are the partners acknowledged?", ENTER),
    ("Any conflicts of interest?", ENTER),
    # the usual arrangement, each answer shown in full, accepted in one answer
    ("Who agrees the final findings, and how? Healthwatch Northtown's board agrees", ""),
    ("The usual arrangement for the findings: accept?", ENTER),
    ("Section 7 of 8", ""),
    ("Consultations: what next?", DOWN + ENTER),
    ("Why was nobody consulted?", "The DPO advised; a small survey" + ENTER),
    ("Section 8 of 8", ""),
    ("Record the sign-off now?", ENTER),
]


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def _spawn(args: list[str], cwd: Path) -> pexpect.spawn:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    env["TERM"] = "xterm"
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"  # pexpect does not answer cursor-position requests
    return pexpect.spawn(sys.executable, ["-m", "dpia", *args], cwd=str(cwd), env=env,
                         encoding="utf-8", dimensions=(40, 120), timeout=20)


def test_new_in_a_terminal_from_empty_passes_check(tmp_path: Path, run_dpia: RunDpia) -> None:
    child = _spawn(["new", "project.yaml", "--date", "2026-11-26"], tmp_path)
    child.logfile_read = log = io.StringIO()
    try:
        for text, keys in SCRIPT:
            child.expect_exact(text)
            if keys:
                child.send(keys)
        # The measures (issue 12 point 7): one checklist, a heading per risk (passed over by
        # the pointer); tick the first suggested measure under each; none still medium or
        # high, so all low; one approval question (not yet), then no build.
        child.expect_exact("measures are in place?")
        child.expect_exact("Description:")  # the list is drawn, the pointed risk's harm under it
        drawn = re.findall(r"Risk \d+ of \d+|\u25cb", _plain(child.before))
        recorded = sum(1 for d in drawn if d.startswith("Risk"))
        keys = "".join("" if d.startswith("Risk") else
                       (" " if i > 0 and drawn[i - 1].startswith("Risk") else "") + DOWN
                       for i, d in enumerate(drawn))
        child.send(keys + ENTER)
        child.expect_exact("still medium or high")
        child.send(ENTER)
        child.expect_exact("approved all the measures")
        child.send("n")
        child.expect_exact("Is a DPIA needed?")  # the summary, after the measures
        child.expect_exact("Build the DPIA")
        summary = child.before
        child.send("n")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    result = run_dpia("check", tmp_path / "project.yaml", "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert "REQUIRED" in result.stdout  # health data about carers of patients
    text = (tmp_path / "project.yaml").read_text(encoding="utf-8")
    assert "incomplete" not in text
    assert "joint_arrangement: HWN designs and holds the data; NCC recruits" in text
    assert recorded >= 1 and text.count("residual: low") == recorded, result.stdout
    assert "no-measures-" not in result.stdout  # every risk needing measures has them
    # Issue 12 point 10: the summary is printed once and fits the 40-line terminal.
    assert log.getvalue().count("Is a DPIA needed?") == 1
    assert summary.count("\n") + 2 <= 40, summary
    assert "dpia check project.yaml" in summary
    assert "- the person the carer looks after" in text  # asked as carers take part
    assert "ico_registration: ZA123456" in text  # Healthwatch had its details at hand
    assert "organisations[2].ico_registration" in result.stdout  # the centre's left as gaps


def test_ctrl_c_in_a_terminal_saves_and_says_how_to_resume(tmp_path: Path) -> None:
    child = _spawn(["new", "project.yaml"], tmp_path)
    try:
        child.expect_exact("What is the project called?")
        child.send("Carers and discharge" + ENTER)
        child.expect_exact("what is it for?")
        child.sendcontrol("c")
        child.expect_exact("dpia new project.yaml")
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert "Traceback" not in output
    text = (tmp_path / "project.yaml").read_text(encoding="utf-8")
    assert "incomplete:\n  section: project" in text
    assert "title: Carers and discharge" in text


def test_new_without_a_terminal_suggests_from(tmp_path: Path, run_dpia: RunDpia) -> None:
    result = run_dpia("new", "project.yaml", cwd=tmp_path, input="")
    assert result.returncode == 2
    assert "--from" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "project.yaml").exists()


def test_new_from_complete_file_needs_no_terminal(
    tmp_path: Path, run_dpia: RunDpia, contract_path: Path
) -> None:
    result = run_dpia("new", "out.yaml", "--from", contract_path, "--date", "2026-11-26",
                      cwd=tmp_path, input="")
    assert result.returncode == 0, result.stderr
    assert "Is a DPIA needed?" in result.stdout  # the check summary
    assert run_dpia("check", tmp_path / "out.yaml").returncode == 0
