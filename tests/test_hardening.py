"""Hostile or odd input gets a clear message, never an internal error, a hang or a traceback:
control characters, ids, floods of errors, special files, huge answers, closed streams."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, RunDpia
from prompt_keys import ENTER, with_keys

from dpia.answers import loader
from dpia.answers.validate import MAX_PROBLEMS, MAX_TEXT
from dpia.errors import AnswersError

ESC = "\x1b"


def with_title(contract_text: str, title: str) -> str:
    """The contract example with ``title`` as its project title (a YAML double-quoted text)."""
    return re.sub(r"^  title: .*$", lambda _: f'  title: "{title}"', contract_text, count=1,
                  flags=re.M)


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text and "Exception ignored" not in text, text


# --- point 5: control characters are shown, never acted on -----------------------------------


def test_check_shows_terminal_escapes_visibly(tmp_path: Path, run_dpia: RunDpia, contract_text: str) -> None:
    text = with_title(contract_text, r"Click \e]8;;https://evil.example\e\\here\e]8;;\e\\ \e[2J")
    text += '"bad\\e[31mkey": 1\n'
    path = tmp_path / "escapes.yaml"
    path.write_text(text, encoding="utf-8")
    for args in (["check", path], ["check", path, "--json"], ["build", path, "--out", tmp_path / "o"]):
        result = run_dpia(*args)
        assert result.returncode == 1
        out = result.stdout + result.stderr
        assert ESC not in out and "\x9b" not in out
        _no_traceback(out)
    result = run_dpia("check", path)
    assert "bad␛[31mkey" in result.stderr  # the key is named, its escape made visible
    assert "project.title" in result.stderr and "control character (code 0x1b)" in result.stderr


def test_a_file_name_with_an_escape_is_shown_visibly(tmp_path: Path, run_dpia: RunDpia) -> None:
    result = run_dpia("check", tmp_path / f"evil{ESC}[2J.yaml")
    assert result.returncode == 2
    assert ESC not in result.stderr and "evil␛[2J.yaml: file not found" in result.stderr


# --- point 6: ids --------------------------------------------------------------------------


@pytest.mark.parametrize("value, says", [
    ('"abc\\n"', "must be a short id"),
    ("con", "Windows keeps for a device"),
    ("NUL", "must be a short id"),  # upper case is not an id anyway
    ("lpt9", "Windows keeps for a device"),
    ("com1", "Windows keeps for a device"),
    ("a" * 300, "an id may have at most 64"),
])
def test_ids_are_matched_in_full_and_windows_device_names_refused(
    contract_text: str, value: str, says: str
) -> None:
    text = re.sub(r"^  id: .*$", lambda _: f"  id: {value}", contract_text, count=1, flags=re.M)
    with pytest.raises(AnswersError) as caught:
        loader.load_text(text)
    assert [p.path for p in caught.value.problems] == ["project.id"]
    assert says in caught.value.problems[0].message


def test_an_organisation_id_with_a_newline_is_refused(contract_text: str) -> None:
    text = contract_text.replace("  - id: hwn\n", '  - id: "hwn\\n"\n', 1)
    with pytest.raises(AnswersError) as caught:
        loader.load_text(text)
    assert "organisations[1].id" in [p.path for p in caught.value.problems]


def test_a_long_project_id_is_a_message_when_building(
    tmp_path: Path, run_dpia: RunDpia, contract_text: str
) -> None:
    text = re.sub(r"^  id: .*$", "  id: " + "a" * 300, contract_text, count=1, flags=re.M)
    (tmp_path / "long.yaml").write_text(text, encoding="utf-8")
    result = run_dpia("build", tmp_path / "long.yaml")
    assert result.returncode == 1 and "an id may have at most 64" in result.stderr
    _no_traceback(result.stderr)
    result = run_dpia("build", tmp_path / "long.yaml", "--out", tmp_path / ("b" * 300))
    _no_traceback(result.stderr)


# --- point 8: floods of errors ---------------------------------------------------------------


def test_a_flood_of_errors_is_cut_short_in_bounded_time(
    tmp_path: Path, run_dpia: RunDpia, contract_text: str
) -> None:
    head = contract_text.split("\nsharing:")[0]
    flood = tmp_path / "flood.yaml"
    flood.write_text(head + "\nsharing:\n" + "  - {}\n" * 140_000, encoding="utf-8")
    assert flood.stat().st_size < loader.MAX_BYTES
    started = time.monotonic()
    result = run_dpia("check", flood)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert re.search(r"sharing \(line \d+\): has more than 1,000 items", result.stderr)
    assert len(result.stderr) < 2_000
    many = tmp_path / "many.yaml"
    many.write_text(head + "\nsharing:\n" + "  - {}\n" * 900, encoding="utf-8")
    result = run_dpia("check", many)
    lines = [line for line in result.stderr.splitlines() if line.startswith("  sharing[")]
    assert len(lines) == MAX_PROBLEMS
    assert re.search(r"\.\.\. and [\d,]+ more problems, not listed", result.stderr)
    assert len(result.stderr) < 20_000


def test_a_file_of_many_values_stops_being_read(contract_text: str) -> None:
    head = contract_text.split("\nsharing:")[0]
    text = head + "\nextra:\n" + "".join(f"  k{i}: [a, b]\n" for i in range(20_000))
    with pytest.raises(AnswersError, match="holds more than 30,000 values"):
        loader.load_text(text)


# --- point 9: only regular files ------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("command", ["check", "build", "new-from"])
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    args = {"check": ["check", str(fifo)], "build": ["build", str(fifo)],
            "new-from": ["new", str(tmp_path / "out.yaml"), "--from", str(fifo)]}[command]
    result = subprocess.run([sys.executable, "-m", "dpia", *args], capture_output=True, text=True,
                            timeout=30, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 1
    assert "is a named pipe (FIFO), not a file" in result.stderr
    _no_traceback(result.stderr)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused(run_dpia: RunDpia) -> None:
    result = run_dpia("check", "/dev/zero")
    assert result.returncode == 1 and "is a device, not a file" in result.stderr


def test_a_file_in_a_folder_that_cannot_be_searched(
    tmp_path: Path, contract_text: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What a user meets with a folder they may not open (simulated: tests may run as root)."""
    from dpia import cli

    locked = tmp_path / "locked"
    locked.mkdir()
    answers = locked / "project.yaml"
    answers.write_text(contract_text, encoding="utf-8")
    real_stat = os.stat

    def denied(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(locked)):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", denied)
    assert cli.main(["check", str(answers)]) == 1
    err = capsys.readouterr().err
    assert "permission denied" in err and "one of the folders on its path" in err
    _no_traceback(err)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anywhere")
def test_a_file_in_a_folder_that_cannot_be_searched_for_real(
    tmp_path: Path, run_dpia: RunDpia, contract_text: str
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "project.yaml").write_text(contract_text, encoding="utf-8")
    locked.chmod(0o600)
    try:
        result = run_dpia("check", locked / "project.yaml")
    finally:
        locked.chmod(0o700)
    assert result.returncode == 1 and "permission denied" in result.stderr


# --- point 10: bounded answers ----------------------------------------------------------------


def test_one_text_may_hold_at_most_the_limit(contract_text: str) -> None:
    text = with_title(contract_text, "x" * (MAX_TEXT + 1))
    with pytest.raises(AnswersError) as caught:
        loader.load_text(text)
    (problem,) = caught.value.problems
    assert problem.path == "project.title"
    assert f"is {MAX_TEXT + 1:,} characters long; one answer may hold at most {MAX_TEXT:,}" in problem.message
    loader.load_text(with_title(contract_text, "x" * 200))  # a long title is fine


def test_a_huge_paste_at_a_prompt_is_cut_and_refused() -> None:
    """A paste (bracketed, as terminals send one) far over the limit: refused at Enter with
    the limit named, quickly; the text kept while typing stops just past the limit. (50,000
    characters: the test's pipe holds 64 KiB; a real terminal has no such bound.)"""
    from dpia.questionnaire import prompting

    seen: list[int] = []
    check = prompting._within_limit(lambda value: seen.append(len(value)))
    assert check("x" * (MAX_TEXT + 1)) == prompting.TOO_LONG.format(limit=MAX_TEXT)
    started = time.monotonic()
    answer, _ = with_keys("\x1b[200~" + "x" * 50_000 + "\x1b[201~" + ENTER + "\x15" + "short" + ENTER,
                          lambda prompter: prompter().text("Title?"))
    assert answer == "short"
    assert time.monotonic() - started < 10


def test_a_file_the_loader_would_refuse_is_never_saved(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("format: dpia-answers/1\n", encoding="utf-8")
    huge = {"project": {f"field{i}": "x" * 9_000 for i in range(130)}}
    with pytest.raises(AnswersError, match="over the 1 MiB an answers file may hold, so it was not saved"):
        loader.save_raw(huge, path)
    assert path.read_text(encoding="utf-8") == "format: dpia-answers/1\n"


# --- point 14: internal errors become messages ------------------------------------------------


@pytest.mark.parametrize("escape", [r"\uD800", r"\0", r"\v", r"\x07", r"\x9b"])
def test_characters_no_document_can_hold_are_refused_by_check_as_by_build(
    tmp_path: Path, run_dpia: RunDpia, contract_text: str, escape: str
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(with_title(contract_text, f"Leaving {escape} hospital"), encoding="utf-8")
    checked = run_dpia("check", path)
    built = run_dpia("build", path, "--out", tmp_path / "out")
    for result in (checked, built):
        assert result.returncode == 1
        assert "project.title (line 8): contains" in result.stderr
        _no_traceback(result.stderr)
    assert not (tmp_path / "out").exists()


def test_new_with_standard_input_closed(tmp_path: Path) -> None:
    for command in (["new", str(tmp_path / "a.yaml")], ["edit", str(tmp_path / "a.yaml")]):
        result = subprocess.run(
            [sys.executable, "-m", "dpia", *command], stdin=None, capture_output=True, text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)), preexec_fn=lambda: os.close(0),
        )
        assert result.returncode == 2, result.stderr
        assert "terminal" in result.stderr
        _no_traceback(result.stderr)


def test_register_due_within_too_many_days(tmp_path: Path, run_dpia: RunDpia, contract_path: Path) -> None:
    reg = tmp_path / "register.xlsx"
    assert run_dpia("register", "add", contract_path, "--register", reg).returncode == 0
    for args in (["--within", "99999999999999"], ["--on", "9999-12-30", "--within", "5"]):
        result = run_dpia("register", "due", reg, *args)
        assert result.returncode == 2
        _no_traceback(result.stderr)
        assert "--within" in result.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs file size limits (POSIX)")
def test_register_disk_full_gives_one_clean_message(tmp_path: Path, contract_path: Path) -> None:
    import resource

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (15_000, 15_000))

    reg = tmp_path / "register.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "dpia", "register", "add", str(contract_path), "--register", str(reg)],
        capture_output=True, text=True, preexec_fn=limited, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert result.returncode == 1
    assert "could not be saved (file too large). Nothing was changed." in result.stderr
    _no_traceback(result.stderr)
    assert not reg.exists()


LAUNCHER = """
import os, signal, sys
when = sys.argv.pop(1)
def hook(event, args):
    if event == "import" and args[0] == when:
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(hook)
from {module} import {function}
sys.exit({function}())
"""


@pytest.mark.parametrize("when", ["dpia.cli", "argparse", "dpia.errors", "datetime"])
def test_ctrl_c_while_starting_up_stops_quietly(when: str) -> None:
    """Ctrl-C while the `dpia` command (pyproject's entry point) is still loading."""
    import tomllib

    entry = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["dpia"]
    module, function = entry.split(":")
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER.format(module=module, function=function), when, "--help"],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "Stopped."
