"""Atomic file writes: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path


def file_mode(path: Path) -> int:
    """The file's permissions, or what a new file gets under the umask.

    Temporary files are private (0600); a file that replaces another must get the
    permissions people expect, or colleagues on a shared drive are locked out.
    """
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new one, never half."""
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    mode = file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def interrupts_held() -> Iterator[list[int]]:
    """Hold Ctrl-C (SIGINT) back for a moment, e.g. while a set of files is replaced.

    Yields a list that records the signals that arrived; the caller decides what to
    do once the files are all in place. Outside the main thread it holds nothing.
    """
    arrived: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield arrived
        return
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: arrived.append(signum))
    try:
        yield arrived
    finally:
        signal.signal(signal.SIGINT, previous)


def office_kind(data: bytes) -> str | None:
    """What a file that is not plain text is, judged by its first bytes, in words people know.

    'a Word document', 'an Excel workbook', ... or None when it does not look like one
    (plain text, or something unknown). ``data`` may be the first few kilobytes only,
    except for zip files, whose contents list is read to tell Word from Excel.
    """
    if data.startswith(b"%PDF"):
        return "a PDF"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old-format Word or Excel file (.doc or .xls)"
    if data.startswith(b"{\\rtf"):
        return "a Rich Text (.rtf) document"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "a zip file (or a damaged Word or Excel file)"
    if "word/document.xml" in names:
        return "a Word document"
    if "xl/workbook.xml" in names:
        return "an Excel workbook"
    if "content.xml" in names:
        return "an OpenDocument (LibreOffice) file"
    return "a zip file"
