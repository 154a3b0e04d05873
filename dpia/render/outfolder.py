"""The output folder: a build replaces dpia's documents in it all at once, or not at all.

The new documents are written into a sibling folder (``.OUT.dpia-new-PID-XXXX``
beside ``OUT``), together with everything in ``OUT`` that is not dpia's (hard
links, so nothing is copied, or a copy where the disk has no hard links). The
sibling is then swapped in: on Linux with one atomic exchange of the two folders
(``renameat2(RENAME_EXCHANGE)``); elsewhere with two renames, ``OUT`` -> ``.OUT.dpia-old-PID-XXXX``
and the sibling -> ``OUT``. The old folder is removed afterwards.

A run that is killed leaves at most one such sibling folder (or, between the two
renames where there is no atomic exchange, ``OUT`` missing and the previous build
in ``.OUT.dpia-old-...``). The next build tidies up first (:func:`recover`): the
previous build is put back, and leftovers of processes that are no longer running
are removed.

dpia's own files are the ones the build writes and the ones earlier builds wrote
under names dpia uses (:func:`is_dpias`); everything else in the folder is the
user's and is kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from dpia.answers import vocab
from dpia.errors import OutputError
from dpia.fileio import fsync_dir

_SIBLING = re.compile(r"^\.(?P<name>.+)\.dpia-(?P<kind>new|old)-(?P<pid>\d+)-[^/]*$")
# Stems of every document dpia writes or has written (file names without the suffix).
_TOP = ("dpia", "privacy-notice", "partnership-agreement", "index", "data-sharing-register")
_SUFFIXES = (".pdf", ".html", ".md", ".txt", ".xlsx")
_PARTICIPANT = "participant-information"
# Temporary files of a single-file atomic write killed part-way (.NAME.XXXX.tmp).
_TMP = re.compile(r"^\..+\.tmp$")


def is_dpias(relative: PurePosixPath) -> bool:
    """A file dpia writes, by its path in the output folder (``participant-information/interview.txt``)."""
    if _TMP.match(relative.name):
        return True
    if relative.suffix not in _SUFFIXES:
        return False
    stem = relative.with_suffix("")
    if len(stem.parts) == 1:
        return stem.name in _TOP
    if len(stem.parts) == 2 and stem.parts[0] == _PARTICIPANT:
        sheets = set(vocab.INFORMATION_SHEETS.values())
        return stem.name in sheets or stem.name.startswith("survey-introduction")
    return False


def check_out_dir(out: Path) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be written."""
    try:
        _check_out_dir(out)
    except OSError as exc:  # a name too long, a folder that cannot be searched ...
        raise OutputError(cannot_write(out, exc)) from None


def _check_out_dir(out: Path) -> None:
    for folder in (out, *out.parents):
        if folder.exists() or folder.is_symlink():
            break
    if not folder.is_dir():
        inside = "" if folder == out else f", so nothing can be written into {out}"
        raise OutputError(
            f"{folder} is a file, not a folder{inside}. Choose another folder with --out "
            "(e.g. --out documents); the file was not touched."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(cannot_write(out, PermissionError(13, "permission denied")))
    real = out.resolve()
    if folder == out and not os.access(real.parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write beside {out}: dpia writes the new documents into a folder beside it "
            f"and then swaps them in, so it needs write access to {real.parent}. Nothing was "
            "changed. Choose another folder with --out, or ask for write access there."
        )
    if real.exists():
        refuse_linked_folders(real)


def refuse_linked_folders(out: Path) -> None:
    """Refuse a link to a folder anywhere below the output folder: dpia never writes through one."""
    for entry in _walk(out):
        if entry.is_symlink() and entry.is_dir():
            raise OutputError(
                f"{entry} is a link to the folder {os.path.realpath(entry)}; dpia never writes "
                f"through a link below its output folder. Nothing was changed. Remove the link "
                f"(or move the folder it points to into {out}), or choose another --out."
            )


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry below ``folder``, never following a link."""
    with os.scandir(folder) as entries:
        for entry in entries:
            path = Path(entry.path)
            yield path
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)


def cannot_write(out: Path, exc: OSError) -> str:
    reason = (exc.strerror or str(exc)).lower()
    return (
        f"cannot write the documents into {out} ({reason}). Nothing was changed. Choose a "
        "folder you can write to with --out (e.g. one in your Documents), or ask whoever "
        "manages that folder for write access."
    )


# --- tidying up after a killed build ---------------------------------------------------------


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no cheap test elsewhere: a leftover is taken as stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def leftovers(out: Path) -> list[tuple[Path, str, int]]:
    """Sibling folders of earlier builds of ``out``: (path, 'new' or 'old', process id)."""
    found = []
    with contextlib.suppress(OSError), os.scandir(out.parent) as entries:
        for entry in entries:
            match = _SIBLING.match(entry.name)
            if match and match["name"] == out.name and entry.is_dir(follow_symlinks=False):
                found.append((Path(entry.path), match["kind"], int(match["pid"])))
    return sorted(found)


def recover(out: Path) -> None:
    """Undo what a killed build left beside ``out``: put the previous build back if ``out``
    is missing, and remove sibling folders of processes that are no longer running."""
    for path, kind, pid in leftovers(out):
        if _alive(pid):
            continue
        if kind == "old" and not os.path.lexists(out):
            os.rename(path, out)
        else:
            shutil.rmtree(path, ignore_errors=True)


# --- writing and swapping ----------------------------------------------------------------


def install(out: Path, files: dict[PurePosixPath, bytes], write: Callable[[Path, bytes], None]) -> None:
    """Make ``out`` hold exactly ``files`` plus the user's own files already in it, in one swap.

    ``write(path, data)`` writes one new file (a test may replace it to simulate a full disk).
    On any failure, or Ctrl-C before the swap, ``out`` is left as it was and the sibling is removed.
    """
    real = out.resolve()
    real.parent.mkdir(parents=True, exist_ok=True)
    recover(real)
    new = Path(tempfile.mkdtemp(prefix=f".{real.name}.dpia-new-{os.getpid()}-", dir=real.parent))
    try:
        for relative, data in files.items():
            target = new.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            write(target, data)
        if real.exists():
            _carry_over(real, new, set(files))
        for folder in {new, *(new.joinpath(*r.parts).parent for r in files)}:
            fsync_dir(folder)
        if real.exists():
            os.chmod(new, real.stat().st_mode & 0o7777)
        else:
            os.chmod(new, 0o777 & ~_umask())
        _swap(new, real)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _carry_over(old: Path, new: Path, replaced: set[PurePosixPath]) -> None:
    """Hard-link (or copy) the user's own files from ``old`` into ``new``, never following links."""
    for path in _walk(old):
        relative = PurePosixPath(path.relative_to(old).as_posix())
        if relative in replaced or is_dpias(relative):
            continue
        target = new.joinpath(*relative.parts)
        if path.is_symlink():
            if path.is_dir():
                refuse_linked_folders(old)  # planted while the documents were rendered
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(path), target)
        elif path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copystat(path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)  # not a link itself: those were handled above
            except OSError:
                shutil.copy2(path, target, follow_symlinks=False)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` (which may not exist) and remove the old folder."""
    if not os.path.lexists(out):
        os.rename(new, out)
        fsync_dir(out.parent)
        return
    if _exchange(new, out):
        old = new  # after the exchange the sibling's name holds the old folder
    else:
        old = new.with_name(new.name.replace(".dpia-new-", ".dpia-old-", 1))
        os.rename(out, old)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old, out)
            shutil.rmtree(new, ignore_errors=True)
            raise
    fsync_dir(out.parent)
    _rescue_late_files(old, out)
    shutil.rmtree(old, ignore_errors=True)


def _rescue_late_files(old: Path, out: Path) -> None:
    """A file of the user's that appeared in the folder while the build ran goes along too."""
    for path in list(_walk(old)):
        relative = PurePosixPath(path.relative_to(old).as_posix())
        target = out.joinpath(*relative.parts)
        if is_dpias(relative) or os.path.lexists(target) or path.is_dir() and not path.is_symlink():
            continue
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step where the system can (Linux); False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # the file system cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(b))
