"""Awkward input as people meet it on Windows laptops and shared drives, through the real command.

Each case: a clear message naming the problem and the fix, exit 1 (the file or register
is wrong) or 2 (the command named the wrong thing), no traceback, and nothing lost.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CONTRACT_EXAMPLE, ROOT, RunDpia

DAY = "2026-11-26"
# Spaces and letters beyond ASCII in every folder and file name.
PROJECT = "prosiect Łódź ü.yaml"


def _no_traceback(result: object) -> None:
    text = getattr(result, "stdout", "") + getattr(result, "stderr", "")
    assert "Traceback" not in text and "internal error" not in text, text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    here = tmp_path / "Shared drive" / "Ymchwil ŵ"
    here.mkdir(parents=True)
    return here


@pytest.fixture
def answers(folder: Path) -> Path:
    path = folder / PROJECT
    path.write_bytes(CONTRACT_EXAMPLE.read_bytes())
    return path


def _office_file(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """A folder people may read but not write (as a shared drive often is)."""
    path.mkdir()
    path.chmod(0o555)
    try:
        yield
    finally:
        path.chmod(0o755)


# --- answers files saved by Windows programs ------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),  # Notepad, UTF-8
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),  # UTF-8 with BOM
        lambda t: t.replace("\n", "\r\n").encode("utf-16"),  # 'Unicode' (UTF-16 LE, BOM)
        lambda t: t.encode("utf-16-le"),  # UTF-16 without its BOM
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["crlf", "crlf-bom", "utf16-bom", "utf16le-no-bom", "utf16be-no-bom"],
)
def test_notepad_encodings_check_and_build_like_the_original(
    answers: Path, folder: Path, run_dpia: RunDpia, encode: object
) -> None:
    original = run_dpia("check", answers, "--date", DAY)
    saved = folder / "saved by notepad.yaml"
    saved.write_bytes(encode(CONTRACT_EXAMPLE.read_text(encoding="utf-8")))  # type: ignore[operator]
    result = run_dpia("check", saved, "--date", DAY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[:2] == original.stdout.splitlines()[:2]  # same fingerprint


def test_utf16_answers_build(folder: Path, run_dpia: RunDpia) -> None:
    saved = folder / "saved as Unicode.yaml"
    saved.write_bytes(CONTRACT_EXAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    built = run_dpia("build", saved, "--date", DAY, "--out", folder / "out put")
    assert built.returncode == 0, built.stderr
    assert (folder / "out put" / "dpia.pdf").stat().st_size > 10_000


@pytest.mark.parametrize(("kind", "named"), [("docx", "a Word document"), ("xlsx", "an Excel workbook")])
@pytest.mark.parametrize("command", ["check", "build", "new"])
def test_office_document_renamed_to_yaml(
    folder: Path, run_dpia: RunDpia, kind: str, named: str, command: str
) -> None:
    renamed = folder / "answers from Word.yaml"
    renamed.write_bytes(_office_file(kind))
    before = renamed.read_bytes()
    args = ["new", folder / "new.yaml", "--from", renamed] if command == "new" else [command, renamed]
    result = run_dpia(*args, "--date", DAY)
    assert result.returncode == 1
    _no_traceback(result)
    said = result.stdout + result.stderr
    assert f"is {named}, not a text file" in said and "Notepad" in said
    assert renamed.read_bytes() == before
    assert not (folder / "new.yaml").exists() and not (folder / "dpia-output").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_empty_file_and_folder_instead_of_a_file(folder: Path, run_dpia: RunDpia, command: str) -> None:
    empty = folder / "empty file.yaml"
    empty.write_bytes(b"")
    result = run_dpia(command, empty)
    assert result.returncode == 1 and "is empty" in result.stdout + result.stderr
    (folder / "a folder.yaml").mkdir()
    result = run_dpia(command, folder / "a folder.yaml")
    assert result.returncode == 2 and "is a folder, not an answers file" in result.stderr
    _no_traceback(result)


# --- the output folder ------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "demo"])
def test_output_folder_that_is_a_file(answers: Path, folder: Path, run_dpia: RunDpia, command: str) -> None:
    blocker = folder / "documents"
    blocker.write_text("my notes", encoding="utf-8")
    args = ["build", answers] if command == "build" else ["demo"]
    for out in (blocker, blocker / "inside"):
        result = run_dpia(*args, "--out", out, "--date", DAY)
        assert result.returncode == 1, result.stdout
        _no_traceback(result)
        assert f"{blocker} is a file, not a folder" in result.stderr and "--out" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "my notes"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_output_folder(answers: Path, folder: Path, run_dpia: RunDpia) -> None:
    locked = folder / "read only"
    with _read_only(locked):
        result = run_dpia("build", answers, "--out", locked, "--date", DAY)
    assert result.returncode == 1
    assert "cannot write the documents" in result.stderr and "Nothing was changed" in result.stderr
    assert list(locked.iterdir()) == []


def test_build_stopped_part_way_writes_nothing(
    answers: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while documents are rendered: the folder keeps the previous build, whole."""
    from dpia import cli, render

    out = folder / "documents"
    assert cli.main(["build", str(answers), "--out", str(out), "--date", DAY]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def ctrl_c(job: render.Job) -> list[render.Output]:
        raise KeyboardInterrupt

    # Stopped after the DPIA and the texts are rendered, before the register rows.
    monkeypatch.setattr(render, "WRITERS", [*render.WRITERS[:-1], f"{__name__}:_ctrl_c"])
    monkeypatch.setitem(sys.modules[__name__].__dict__, "_ctrl_c", ctrl_c)
    answers.write_text(answers.read_text(encoding="utf-8").replace(
        "Leaving hospital", "Going home"), encoding="utf-8")
    assert cli.main(["build", str(answers), "--out", str(out), "--date", DAY]) == 130
    assert "Nothing was written" in capsys.readouterr().err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    new_out = folder / "never made"
    assert cli.main(["build", str(answers), "--out", str(new_out), "--date", DAY]) == 130
    assert not new_out.exists()


def test_build_signal_leaves_no_temporary_files(answers: Path, folder: Path) -> None:
    """A real SIGINT at several moments: every file is either absent or complete, none half-written."""
    import signal
    import subprocess
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    full = folder / "full"
    subprocess.run(
        [sys.executable, "-m", "dpia", "build", str(answers), "--out", str(full), "--date", DAY],
        env=env, check=True, capture_output=True,
    )
    whole_set = len([p for p in full.rglob("*") if p.is_file()])
    out = folder / "documents"
    for delay in (0.1, 0.5, 0.8, 1.1):
        child = subprocess.Popen(
            [sys.executable, "-m", "dpia", "build", str(answers), "--out", str(out), "--date", DAY],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
        # On a very busy machine the signal may come while Python itself is starting
        # (before any of dpia runs): that writes nothing either.
        if "init_import_site" not in err:
            assert child.returncode in (0, 130, -signal.SIGINT), (child.returncode, err)
            # Python itself reports (and then ignores) an interrupt that lands inside a
            # garbage-collection callback; that is not a failure of dpia's.
            assert "Traceback" not in err or "Exception ignored in" in err, err
        files = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
        assert not [p for p in files if p.name.startswith(".")], files  # no temporary files
        assert len(files) in (0, whole_set), (delay, child.returncode, files)  # nothing, or all
        if child.returncode == 130:
            assert "Stopped." in err, err


# --- dates as people in the UK type them ------------------------------------------------


def test_uk_dates_on_the_command_line(answers: Path, folder: Path, run_dpia: RunDpia) -> None:
    iso = run_dpia("check", answers, "--date", "2026-03-31", "--json")
    uk = run_dpia("check", answers, "--date", "31/03/2026", "--json")
    assert uk.returncode == 0 and uk.stdout == iso.stdout
    wrong = run_dpia("check", answers, "--date", "31/13/2026")
    assert wrong.returncode == 2 and "YYYY-MM-DD" in wrong.stderr and "31/03/2026" in wrong.stderr


# --- the register -----------------------------------------------------------------------


@pytest.fixture
def register(answers: Path, folder: Path, run_dpia: RunDpia) -> Path:
    reg = folder / "Cofrestr rhannu.xlsx"
    made = run_dpia("register", "add", answers, "--register", reg, "--date", DAY)
    assert made.returncode == 0, made.stderr
    return reg


def test_register_folder_that_does_not_exist(answers: Path, folder: Path, run_dpia: RunDpia) -> None:
    typo = folder / "Registr" / "sharing-register.xlsx"
    result = run_dpia("register", "add", answers, "--register", typo)
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "create the folder first" in result.stderr
    assert not typo.parent.exists()
    built = run_dpia("build", answers, "--out", folder / "docs", "--register", typo)
    assert built.returncode == 2 and not (folder / "docs").exists()


@pytest.mark.parametrize(
    ("content", "named"),
    [(b"Project,Flow\r\nA,B\r\n", "a text file (a CSV, perhaps)"), (b"", "empty (0 bytes)"),
     (_office_file("docx"), "a Word document")],
    ids=["csv", "empty", "docx"],
)
@pytest.mark.parametrize("command", ["add", "verify", "due", "summary", "build"])
def test_register_that_is_not_a_workbook(
    answers: Path, folder: Path, run_dpia: RunDpia, content: bytes, named: str, command: str
) -> None:
    reg = folder / "sharing register.xlsx"
    reg.write_bytes(content)
    if command == "add":
        args: list[str | Path] = ["register", "add", answers, "--register", reg]
    elif command == "build":
        args = ["build", answers, "--out", folder / "docs", "--register", reg]
    else:
        args = ["register", command, reg]
    result = run_dpia(*args)
    assert result.returncode == 1, result.stdout
    _no_traceback(result)
    assert f"is {named}, not an Excel workbook (.xlsx)" in result.stderr
    assert "Save As" in result.stderr
    assert reg.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == sorted([PROJECT, reg.name])  # no lock, no docs


@pytest.mark.parametrize("command", ["add", "verify", "due", "summary"])
def test_register_path_that_is_a_folder(answers: Path, folder: Path, run_dpia: RunDpia, command: str) -> None:
    (folder / "register.xlsx").mkdir()
    args = (["register", "add", answers, "--register", folder / "register.xlsx"] if command == "add"
            else ["register", command, folder / "register.xlsx"])
    result = run_dpia(*args)
    assert result.returncode == 2
    _no_traceback(result)
    assert "is a folder, not a register" in result.stderr


@pytest.mark.parametrize("command", ["add", "verify", "due", "summary"])
def test_workbook_dpia_never_wrote(answers: Path, folder: Path, run_dpia: RunDpia, command: str) -> None:
    from openpyxl import Workbook

    theirs = folder / "budget.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Our own list"
    wb.save(theirs)
    before = theirs.read_bytes()
    args = (["register", "add", answers, "--register", theirs] if command == "add"
            else ["register", command, theirs])
    result = run_dpia(*args)
    assert result.returncode == 1, result.stdout
    _no_traceback(result)
    assert "is not a register dpia keeps" in result.stderr and "'Sheet'" in result.stderr
    assert "Latest audit-log hash" not in result.stdout
    assert theirs.read_bytes() == before


def test_register_open_in_excel(answers: Path, register: Path, run_dpia: RunDpia) -> None:
    before = register.read_bytes()
    lock = register.with_name("~$" + register.name)
    lock.write_bytes(b"\x00" * 162)
    result = run_dpia("register", "add", answers, "--register", register, "--date", "2026-12-01")
    assert result.returncode == 1
    assert "is open in Excel" in result.stderr and "Close it" in result.stderr
    assert register.read_bytes() == before
    assert run_dpia("register", "verify", register).returncode == 0  # reading is fine


def test_summary_of_a_register_without_flows(folder: Path, run_dpia: RunDpia) -> None:
    import yaml

    data = yaml.safe_load(CONTRACT_EXAMPLE.read_text(encoding="utf-8"))
    data["sharing"] = []
    data["data_protection"]["processors"] = []  # nor a processor holding the data
    no_flows = folder / "no flows.yaml"
    no_flows.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    reg = folder / "reg.xlsx"
    added = run_dpia("register", "add", no_flows, "--register", reg, "--date", DAY)
    assert added.returncode == 0, added.stdout + added.stderr
    result = run_dpia("register", "summary", reg)
    assert result.returncode == 0
    assert "0 data flow(s)" in result.stdout and "(none)" in result.stdout
    assert "DataFrame" not in result.stdout


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_register_in_a_read_only_folder(answers: Path, folder: Path, run_dpia: RunDpia) -> None:
    shared = folder / "read only"
    with _read_only(shared):
        result = run_dpia("register", "add", answers, "--register", shared / "reg.xlsx")
    assert result.returncode == 1
    _no_traceback(result)
    assert "could not be updated: permission denied" in result.stderr


# --- dpia edit on a file with errors ----------------------------------------------------


def _edit(path: Path, section: str) -> object:
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", TERM="xterm",
               PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(sys.executable, ["-m", "dpia", "edit", path.name, "--section", section],
                         cwd=str(path.parent), env=env, encoding="utf-8", dimensions=(40, 120),
                         timeout=20)


def test_edit_stopped_at_once_leaves_the_file_as_it_was(answers: Path, run_dpia: RunDpia) -> None:
    before = answers.read_bytes()  # with its comments and layout
    child = _edit(answers, "project")
    child.expect_exact("What is the project called?")  # type: ignore[attr-defined]
    child.sendcontrol("c")  # type: ignore[attr-defined]
    child.expect_exact("Nothing was changed")  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert answers.read_bytes() == before


def test_edit_of_a_file_with_errors_stopped_is_not_marked_unfinished(
    answers: Path, run_dpia: RunDpia
) -> None:
    text = answers.read_text(encoding="utf-8")
    assert "method: sftp" in text
    answers.write_text(text.replace("method: sftp", "method: carrier-pigeon", 1), encoding="utf-8")
    child = _edit(answers, "sharing")
    child.expect_exact("Sharing flows: what next?")  # type: ignore[attr-defined]
    child.send("\r")  # type: ignore[attr-defined]  # done, go on
    child.expect_exact("How is it sent?")  # type: ignore[attr-defined]  # the error, asked again
    child.sendcontrol("c")  # type: ignore[attr-defined]
    child.expect_exact("Stopped.")  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert "incomplete" not in answers.read_text(encoding="utf-8")
    check = run_dpia("check", answers)
    assert check.returncode == 1
    assert "carrier-pigeon" in check.stderr and "part-way" not in check.stderr


# --- the demo's documents, read together ------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    import subprocess

    out = tmp_path_factory.mktemp("demo") / "dpia demo"
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    done = subprocess.run([sys.executable, "-m", "dpia", "demo", "--out", str(out), "--date", DAY],
                          env=env, capture_output=True, text=True, encoding="utf-8", check=True)
    return out, done.stdout


def _notes_under(stdout: str, name: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith(name + " "))
    notes = []
    for line in lines[start + 1:]:
        if not line.startswith("      "):
            break
        notes.append(line.strip())
    return notes


def test_survey_introduction_asks_for_the_time_it_takes(demo: tuple[Path, str]) -> None:
    """The answers format has no field for the survey's length: the text leaves it out
    (no placeholder to paste by mistake) and the build says to add it, with the room left."""
    out, stdout = demo
    for name, what in (("survey-introduction.txt", "the survey"),
                       ("survey-introduction-telephone.txt", "the call")):
        text = (out / "participant-information" / name).read_text(encoding="utf-8")
        if what == "the call":  # the caller's own instructions are in square brackets
            text = re.sub(r"\[(your first name|If yes, [^\]]*|Record [^\]]*)\]", "", text)
            text = text.replace("Do not read out the words in square brackets.", "")
        assert "minute" not in text and "[" not in text and "TODO" not in text
        notes = _notes_under(stdout, f"participant-information/{name}")
        time_note = [n for n in notes if n.startswith(f"add how long {what} takes")]
        assert len(time_note) == 1, notes
        assert "'It takes about 10 minutes.'" in time_note[0]
        # a survey introduction has a word limit; a script read aloud has none
        assert ("word(s) left within the limit" in time_note[0]) == (what == "the survey")
    html_notes = _notes_under(stdout, "participant-information/survey-introduction.html")
    assert not html_notes  # said once, under the plain text


def test_participants_are_not_told_only_the_controllers_see_answers(demo: tuple[Path, str]) -> None:
    """The demo's survey is hosted and phoned by processors: 'Only <controllers> will see
    your answers' would contradict the privacy notice, which lists them as receiving answers."""
    out, _ = demo
    notice = (out / "privacy-notice.txt").read_text(encoding="utf-8")
    assert "SurveyHub UK Ltd" in notice and "CallPoint Research Ltd" in notice
    text = (out / "participant-information" / "survey-introduction.txt").read_text(encoding="utf-8")
    assert "Only the people who run this survey will see your answers, except to keep someone safe." in text
    # The script read aloud names who keeps the answers, the processors included.
    script = (out / "participant-information" / "survey-introduction-telephone.txt").read_text(
        encoding="utf-8")
    assert "SurveyHub UK Ltd and CallPoint Research Ltd work for this project and see your answers." in script
    sheet = (out / "participant-information" / "interview.txt").read_text(encoding="utf-8")
    assert "and organisations working\nfor them" in sheet or "and organisations working for them" in sheet


def test_draft_dpia_markdown_says_draft_once(demo: tuple[Path, str]) -> None:
    out, _ = demo
    text = (out / "dpia.md").read_text(encoding="utf-8")
    assert "DRAFT: DRAFT" not in text
    assert "> **DRAFT: not signed off**" in text
