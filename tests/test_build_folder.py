"""`dpia build` replaces its documents all at once: killed, stopped or out of disk space,
the output folder holds all the old documents or all the new ones, never a mix; links
to folders below it are refused; the user's own files in it are kept."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest
from conftest import ROOT, RunDpia

DAY = "2026-11-26"


@pytest.fixture
def answers(tmp_path: Path, contract_text: str) -> Path:
    path = tmp_path / "project.yaml"
    path.write_text(contract_text, encoding="utf-8")
    return path


def other_version(answers: Path) -> Path:
    """The same project with another title: every document differs."""
    path = answers.with_name("project-b.yaml")
    path.write_text(answers.read_text(encoding="utf-8").replace("Leaving hospital", "Going home"),
                    encoding="utf-8")
    return path


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file by its path; workbooks by name only (their zip entries carry the time)."""
    return {
        p.relative_to(out).as_posix(): b"" if p.suffix == ".xlsx" else p.read_bytes()
        for p in sorted(out.rglob("*")) if p.is_file()
    }


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.dpia-"))


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def build(answers: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "dpia", "build", str(answers), "--out", str(out),
                    "--date", DAY], env=env(), check=True, capture_output=True)


@pytest.fixture
def versions(answers: Path, tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Snapshots of a complete build of version A and of version B."""
    found = []
    for source, name in ((answers, "ref-a"), (other_version(answers), "ref-b")):
        build(source, tmp_path / name)
        found.append(snapshot(tmp_path / name))
    assert found[0].keys() == found[1].keys() and found[0] != found[1]
    return found[0], found[1]


# --- point 12: all old or all new -----------------------------------------------------------


def test_sigkill_at_random_moments_leaves_all_old_or_all_new(
    answers: Path, tmp_path: Path, versions: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    old, new = versions
    sources = {"a": answers, "b": other_version(answers)}
    out = tmp_path / "documents"
    started = time.monotonic()
    build(answers, out)
    duration = time.monotonic() - started
    state = "a"
    rng = random.Random(14)
    for _ in range(8):  # bounded: eight builds
        target = "b" if state == "a" else "a"
        child = subprocess.Popen(
            [sys.executable, "-m", "dpia", "build", str(sources[target]), "--out", str(out),
             "--date", DAY], env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, duration * 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        now = snapshot(out)
        assert now in (old, new), sorted(set(now) ^ set(old))
        state = "a" if now == old else "b"
    build(sources["b" if state == "a" else "a"], out)  # a build tidies up what kills left
    assert siblings(out) == []


KILLER = """
import os, signal, sys, shutil
from pathlib import Path, PurePosixPath
from dpia.render import outfolder

steps = [0]
kill_at = int(os.environ["KILL_AT"])

def counted(func):
    def wrapper(*args, **kwargs):
        for _ in range(2):  # before the call, then after it
            steps[0] += 1
            if steps[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            if _ == 0:
                result = func(*args, **kwargs)
        return result
    return wrapper

outfolder.write_file = counted(outfolder.write_file)
if os.environ["EXCHANGE"] == "1":
    outfolder._exchange = counted(outfolder._exchange)
else:
    outfolder._exchange = lambda a, b: False
outfolder.os = type(sys)("os_proxy")
outfolder.os.__dict__.update(os.__dict__)
outfolder.os.rename = counted(os.rename)
outfolder.shutil = type(sys)("shutil_proxy")
outfolder.shutil.__dict__.update(shutil.__dict__)
outfolder.shutil.rmtree = counted(shutil.rmtree)
source, out = Path(sys.argv[1]), Path(sys.argv[2])
files = {PurePosixPath(p.relative_to(source).as_posix()): p.read_bytes()
         for p in sorted(source.rglob("*")) if p.is_file()}
outfolder.install(out, files, outfolder.write_file)
"""


def install_copy(source: Path, out: Path) -> None:
    from dpia.render import outfolder

    files = {PurePosixPath(p.relative_to(source).as_posix()): p.read_bytes()
             for p in sorted(source.rglob("*")) if p.is_file()}
    outfolder.install(out, files, outfolder.write_file)


@pytest.mark.parametrize("exchange", ["1", "0"], ids=["atomic exchange", "two renames"])
def test_sigkill_at_every_step_of_the_swap(
    answers: Path, tmp_path: Path, versions: tuple[dict[str, bytes], dict[str, bytes]],
    exchange: str,
) -> None:
    """Killed before and after each file written, each rename and the removal of the old folder
    (the swap itself, run in a child process on the files of two complete builds)."""
    from dpia.render import outfolder

    old, new = versions
    out = tmp_path / "documents"
    install_copy(tmp_path / "ref-a", out)
    for kill_at in range(1, 4 * len(new)):
        result = subprocess.run(
            [sys.executable, "-c", KILLER, str(tmp_path / "ref-b"), str(out)],
            env=dict(env(), KILL_AT=str(kill_at), EXCHANGE=exchange), capture_output=True,
            text=True,
        )
        if result.returncode == 0:  # fewer steps than kill_at: the swap completed
            assert snapshot(out) == new and siblings(out) == []
            break
        assert result.returncode == -signal.SIGKILL, result.stderr
        if exchange == "1":
            assert snapshot(out) in (old, new), kill_at  # at every moment, not only after recovery
        outfolder.recover(out)  # what the next build does first
        now = snapshot(out)
        assert now in (old, new), kill_at
        assert siblings(out) == []
        if now == new:
            install_copy(tmp_path / "ref-a", out)
    else:
        pytest.fail("the swap never completed")


def test_disk_full_changes_nothing(
    answers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from dpia import cli
    from dpia.render import outfolder

    out = tmp_path / "documents"
    assert cli.main(["build", str(answers), "--out", str(out), "--date", DAY]) == 0
    before = snapshot(out)
    written = []
    real_write = outfolder.write_file

    def full(path: Path, data: bytes) -> None:
        if len(written) == 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(outfolder, "write_file", full)
    capsys.readouterr()
    assert cli.main(["build", str(other_version(answers)), "--out", str(out), "--date", DAY]) == 1
    err = capsys.readouterr().err
    assert "no space left on device" in err and "Nothing was changed" in err
    assert snapshot(out) == before
    assert siblings(out) == []


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs file size limits (POSIX)")
def test_a_real_write_failure_changes_nothing_and_prints_no_traceback(
    answers: Path, tmp_path: Path
) -> None:
    """A file-size limit makes a write part-way through fail for real (EFBIG), as a full disk
    would: the DPIA's web page (72 kB) fits, its PDF (110 kB) does not."""
    import resource

    out = tmp_path / "documents"
    build(answers, out)
    before = snapshot(out)

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (90_000, 90_000))

    result = subprocess.run(
        [sys.executable, "-m", "dpia", "build", str(other_version(answers)), "--out", str(out),
         "--date", DAY], env=env(), capture_output=True, text=True, preexec_fn=limited,
    )
    assert result.returncode == 1
    assert "file too large" in result.stderr and "Nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert snapshot(out) == before
    assert siblings(out) == []


def test_the_users_own_files_are_kept_and_stale_documents_go(
    answers: Path, tmp_path: Path, run_dpia: RunDpia
) -> None:
    out = tmp_path / "documents"
    build(answers, out)
    (out / "signed-dpia.pdf").write_bytes(b"%PDF signed copy")
    (out / "notes").mkdir()
    (out / "notes" / "minutes.txt").write_text("our minutes", encoding="utf-8")
    (out / "participant-information" / "interview.txt").write_text("old", encoding="utf-8")
    stale = out / "participant-information" / "enter-and-view.txt"  # a method no longer used
    stale.write_text("old", encoding="utf-8")
    inode = (out / "notes" / "minutes.txt").stat().st_ino
    build(other_version(answers), out)
    assert (out / "signed-dpia.pdf").read_bytes() == b"%PDF signed copy"
    assert (out / "notes" / "minutes.txt").read_text(encoding="utf-8") == "our minutes"
    assert (out / "notes" / "minutes.txt").stat().st_ino == inode  # linked, not copied
    assert (out / "participant-information" / "interview.txt").read_text(encoding="utf-8") != "old"
    assert not stale.exists()


# --- point 4: no writing through a link to a folder ------------------------------------------


def test_a_linked_folder_below_the_output_is_refused(
    answers: Path, tmp_path: Path, run_dpia: RunDpia
) -> None:
    out = tmp_path / "documents"
    build(answers, out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for planted in ("participant-information", "notes/deeper"):
        link = out / planted
        if link.is_dir():
            import shutil

            shutil.rmtree(link)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(elsewhere, target_is_directory=True)
        before = snapshot(out)
        result = run_dpia("build", other_version(answers), "--out", out, "--date", DAY)
        assert result.returncode == 1
        assert f"{link} is a link to the folder {elsewhere}" in result.stderr
        assert "Nothing was changed" in result.stderr
        assert list(elsewhere.iterdir()) == []
        assert snapshot(out) == before
        link.unlink()


def test_a_linked_backups_folder_is_refused(answers: Path, tmp_path: Path, run_dpia: RunDpia) -> None:
    reg = tmp_path / "register.xlsx"
    assert run_dpia("register", "add", answers, "--register", reg).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for n in range(12):  # more than the backups kept: would be pruned through the link
        (elsewhere / f"register-2020010{n:02d}T000000000000Z.xlsx").write_bytes(b"precious")
    (tmp_path / "register.backups").symlink_to(elsewhere, target_is_directory=True)
    before = reg.read_bytes()
    for args in (["register", "add", other_version(answers), "--register", reg],
                 ["build", other_version(answers), "--out", tmp_path / "docs", "--register", reg]):
        result = run_dpia(*args)
        assert result.returncode == 1, result.stdout
        assert "register.backups is a link to" in result.stderr
        assert "Nothing was changed" in result.stderr
        assert len(list(elsewhere.iterdir())) == 12
        assert reg.read_bytes() == before
    assert not (tmp_path / "docs").exists()


# --- point 13: the register is checked before any work ---------------------------------------


@pytest.mark.parametrize("lock", ["~$register.xlsx", ".~lock.register.xlsx#"])
def test_build_register_open_in_excel_is_refused_before_any_document(
    answers: Path, tmp_path: Path, run_dpia: RunDpia, lock: str
) -> None:
    reg = tmp_path / "register.xlsx"
    assert run_dpia("register", "add", answers, "--register", reg).returncode == 0
    (tmp_path / lock).write_text("someone", encoding="utf-8")
    result = run_dpia("build", answers, "--out", tmp_path / "docs", "--register", reg)
    assert result.returncode == 1
    assert "is open in Excel or LibreOffice" in result.stderr
    assert not (tmp_path / "docs").exists()
    assert "Built" not in result.stdout


def test_build_register_with_a_broken_lock_file_is_refused_before_any_document(
    answers: Path, tmp_path: Path, run_dpia: RunDpia
) -> None:
    reg = tmp_path / "register.xlsx"
    (tmp_path / "register.xlsx.lock").mkdir()
    result = run_dpia("build", answers, "--out", tmp_path / "docs", "--register", reg)
    assert result.returncode == 1
    assert "lock file" in result.stderr and "not a plain file" in result.stderr
    assert not (tmp_path / "docs").exists()
