"""Updating the register without ever losing it.

* One writer at a time: a lock file beside the register (``filelock``).
* Never write while a person has the workbook open in Excel (``~$name.xlsx``)
  or LibreOffice (``.~lock.name.xlsx#``), nor if it changed since dpia read it.
* Never write if openpyxl would drop something a person added (it warns, or the
  workbook has text boxes or other shapes openpyxl cannot keep).
* Atomic replace: write a temporary file beside the register, fsync, prove it
  opens, keep a timestamped backup of the old register, ``os.replace``, fsync
  the folder. A crash at any point leaves the previous register intact.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import glob
import hashlib
import io
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dpia.errors import RegisterError, UsageError
from dpia.fileio import atomic_write_bytes, file_mode, fsync_dir, office_kind

LOCK_TIMEOUT = 120.0  # seconds to wait for another dpia command to finish


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lock_path(register: Path) -> Path:
    return register.with_name(register.name + ".lock")


def backups_dir(register: Path) -> Path:
    return register.with_name(register.stem + ".backups")


def refuse_linked_backups(register: Path) -> None:
    """Refuse a backups folder that is a link: dpia would write (and prune old files) elsewhere."""
    folder = backups_dir(register)
    if folder.is_symlink():
        raise RegisterError(
            f"{folder} is a link to {os.path.realpath(folder)}; dpia keeps the register's "
            "backups only in a real folder beside it, and never writes or removes files "
            f"through a link. Nothing was changed. Replace the link with a folder (e.g. move "
            f"the files it points to into a new folder {folder.name}) and run the command again."
        )


def refuse_unusable(register: Path, creating: bool) -> None:
    """Refuse a register path that cannot be the workbook, before any lock file is made.

    ``creating``: a missing workbook may be created (``register add``), but only in a
    folder that exists; a mistyped folder would otherwise start a second register.
    """
    refuse_linked_backups(register)
    if register.is_dir():
        raise UsageError(
            f"{register} is a folder, not a register: name the workbook itself, e.g. "
            f"{register / 'sharing-register.xlsx'}"
        )
    if not register.exists():
        if not creating:
            raise UsageError(f"{register}: no such register (check the name and the folder)")
        if not register.parent.is_dir():
            raise UsageError(
                f"the folder {register.parent} does not exist, so dpia will not create the "
                f"register {register.name} there. Check the path (a mistyped folder would start "
                "a second register), or create the folder first."
            )
        return
    if not register.is_file():
        raise RegisterError(
            f"{register} is not a regular file (a named pipe or a device?), so it cannot be the "
            "register; name the workbook itself. Nothing was changed."
        )
    try:
        with register.open("rb") as handle:
            head = handle.read(8)
            kind = office_kind(head + handle.read()) if head.startswith(b"PK") else office_kind(head)
    except OSError as exc:
        raise RegisterError(f"{register} cannot be read ({exc.strerror}); nothing was changed") from None
    if kind == "an Excel workbook":
        return
    if kind and "damaged" in kind:
        raise RegisterError(
            f"{register} is damaged: it does not open as an Excel workbook. Nothing was changed. "
            f"Restore the latest copy from {backups_dir(register)} (dpia keeps the last versions "
            "there), then run the command again."
        )
    what = "empty (0 bytes)" if not head else kind or "a text file (a CSV, perhaps)"
    raise RegisterError(
        f"{register} is {what}, not an Excel workbook (.xlsx). Nothing was changed. Name the "
        "register workbook, or, to turn this file into one, open it in Excel and use File, "
        "Save As, 'Excel Workbook (*.xlsx)' under a new name."
    )


def refuse_before_work(register: Path) -> None:
    """Everything that would stop ``register add`` later, checked before a build does any work:
    the name, the file, a workbook open in Excel or LibreOffice, the lock file, the folder."""
    if register.suffix.lower() != ".xlsx":
        raise RegisterError(f"{register}: the register must be an Excel workbook ending .xlsx")
    refuse_unusable(register, creating=True)
    refuse_if_open(register)
    lock = lock_path(register)
    if lock.is_symlink() or (lock.exists() and not lock.is_file()):
        raise RegisterError(
            f"{lock} (the register's lock file) is not a plain file; remove it and run the "
            "command again. Nothing was changed."
        )
    usable = os.access(lock, os.R_OK | os.W_OK) if lock.exists() else os.access(
        register.parent, os.W_OK | os.X_OK
    )
    if not usable:
        raise RegisterError(
            f"dpia cannot write its lock file {lock} beside the register (permission denied), "
            "so it could not update the register. Nothing was changed. Ask whoever manages "
            f"the folder {register.parent} for write access."
        )


@contextlib.contextmanager
def writer_lock(register: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the register's lock file; other dpia commands wait for it."""
    from filelock import FileLock, Timeout

    path = lock_path(register)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise RegisterError(
            f"{register}: another dpia command has been updating this register for over "
            f"{int(timeout)} seconds. Wait for it to finish and try again (lock file: {path})."
        ) from None
    try:
        yield
    finally:
        lock.release()


def office_lock_files(register: Path) -> list[Path]:
    """Lock files that Excel or LibreOffice keep while the workbook is open."""
    name = register.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Office shortens the name for some long names
    return [register.with_name(c) for c in candidates if register.with_name(c).exists()]


def refuse_if_open(register: Path) -> None:
    found = office_lock_files(register)
    if found:
        raise RegisterError(
            f"{register} is open in Excel or LibreOffice (lock file {found[0].name} exists). "
            "Close it there and run the command again. If nobody has it open, the program "
            f"stopped without tidying up: delete {found[0]} and try again."
        )


_LOSS = re.compile(r"will be removed|not supported|cannot be preserved|will be lost", re.IGNORECASE)


def loss_messages(warnings: Sequence[object]) -> list[str]:
    """openpyxl's warnings that it would drop part of the workbook."""
    out: list[str] = []
    for w in warnings:
        text = str(getattr(w, "message", w))
        if _LOSS.search(text) and text not in out:
            out.append(text)
    return out


@dataclass
class Parts:
    """What a look through the workbook's parts found, in one pass."""

    rich_text: bool = False  # a cell with formatted runs of text
    unkeepable: list[str] = field(default_factory=list)  # what openpyxl would drop without a warning


def _has_runs(xml: bytes) -> bool:
    """A run of formatted text: an <r> (or <x:r>) element. (Plain ``in`` tests: a regular
    expression over every sheet costs more; a rare false alarm only loads rich text.)"""
    return any(tag in xml for tag in (b"<r>", b"<r ", b":r>", b":r "))


def scan_parts(data: bytes) -> Parts:
    """Read each part of the workbook once: rich text, and things people add in Excel that
    openpyxl drops without a warning (shapes, sparklines, slicers)."""
    parts = Parts()
    found: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/drawings/drawing") and name.endswith(".xml"):
                xml = z.read(name)
                if b"<xdr:sp>" in xml or b"<xdr:sp " in xml or b"<xdr:cxnSp" in xml:
                    found.add("a text box or shape (drawing objects)")
            elif name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                xml = z.read(name)
                if b"sparklineGroup" in xml:
                    found.add("sparklines")
                parts.rich_text = parts.rich_text or _has_runs(xml)
            elif name.startswith("xl/sharedStrings"):
                parts.rich_text = parts.rich_text or _has_runs(z.read(name))
            elif name.startswith("xl/slicers/") or name.startswith("xl/timelines/"):
                found.add("slicers or timelines")
    parts.unkeepable = sorted(found)
    return parts


def refuse_loss(register: Path, warnings: Sequence[object], unkeepable: Sequence[str]) -> None:
    lost = loss_messages(warnings) + list(unkeepable)
    if lost:
        raise RegisterError(
            f"{register} holds content that dpia's spreadsheet library would drop if it saved "
            f"the workbook: {'; '.join(lost)}. Nothing was changed. Move that content to "
            "another workbook (or remove it) and run the command again."
        )


def prove_opens(path: Path, sheet_titles: Sequence[str]) -> None:
    """Raise unless the file is a complete workbook with the expected sheets.

    A zip's directory is written last, so a save cut short (a full disk, a crash)
    leaves a file whose directory does not read; the workbook part, read and
    checked against its checksum, must list every sheet. The sheets' own parts are
    not decompressed again: that would cost as much as the save itself.
    """
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            missing_parts = [n for n in ("[Content_Types].xml", "xl/workbook.xml") if n not in names]
            if missing_parts:
                raise RegisterError(f"the new register lacks its parts {missing_parts}; nothing was changed")
            root = ElementTree.fromstring(z.read("xl/workbook.xml"))
    except RegisterError:
        raise
    except Exception as exc:
        raise RegisterError(
            f"the new register did not open after saving ({exc}); nothing was changed"
        ) from None
    found = {el.get("name") for el in root.iter() if el.tag.endswith("}sheet") or el.tag == "sheet"}
    missing = [t for t in sheet_titles if t not in found]
    if missing:
        raise RegisterError(f"the new register lacks sheets {missing}; nothing was changed")


TEMP_SUFFIX = ".tmp.xlsx"


def _temporary_prefix(register: Path) -> str:
    return f".{register.stem}."


def remove_stale_temporaries(register: Path) -> list[Path]:
    """Remove new workbooks that updates killed part-way left beside the register
    (``.NAME.PID.XXXX.tmp.xlsx``), unless the process that wrote one still runs.
    Call with the register's lock held: no other update is writing one then."""
    prefix = _temporary_prefix(register)
    removed = []
    for path in register.parent.glob(glob.escape(prefix) + "*" + TEMP_SUFFIX):
        # Exactly PID.RANDOM.tmp.xlsx: ".register.old.123.x.tmp.xlsx" belongs to register.old.xlsx
        parts = path.name[len(prefix):-len(TEMP_SUFFIX)].split(".")
        if len(parts) != 2 or not parts[0].isdigit() or _running(int(parts[0])):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # no cheap check; the lock already means no other update is running
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


def keep_backup(register: Path, old: bytes, kept: int) -> Path:
    """Save the register's previous bytes as a timestamped backup; keep the newest ``kept``."""
    folder = backups_dir(register)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{register.stem}-{stamp}{register.suffix}"
    atomic_write_bytes(path, old)
    backups = sorted(folder.glob(f"{register.stem}-*{register.suffix}"))
    for stale in backups[: max(0, len(backups) - kept)]:
        with contextlib.suppress(OSError):
            stale.unlink()
    return path


def workbook_bytes(save: Callable[[io.BytesIO], None], what: str) -> bytes:
    """A workbook saved into memory, or a :class:`RegisterError` saying why it could not be.

    Saving into memory keeps a half-written zip file off the disk. The spreadsheet library
    still writes each sheet through a temporary file first; on a full disk that fails, and
    its half-closed writers fail once more when they are collected, which Python reports as
    "Exception ignored ..." after dpia's message. Those reports are swallowed while saving
    and the writers collected. (A save that succeeds leaves none, and collecting would walk
    every object of the run: a tenth of a second in a build.)
    """
    buffer = io.BytesIO()
    failure: str | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        try:
            save(buffer)
        except Exception as exc:  # OSError, or lxml's SerialisationError('IO_ENOSPC')
            failure = _reason(exc)
        if failure is not None:  # the failed writers (freed with the exception), collected now
            gc.collect()
    finally:
        sys.unraisablehook = hook
    if failure is not None:
        raise RegisterError(
            f"{what} could not be saved ({failure}). Nothing was changed. Free some disk space "
            f"(the spreadsheet library also writes temporary files in {tempfile.gettempdir()}) "
            "and run the command again."
        )
    return buffer.getvalue()


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower()
    text = str(exc)
    for code in ("ENOSPC", "EFBIG", "EDQUOT", "EIO"):
        if code in text:
            return os.strerror(getattr(errno, code)).lower()
    return f"{type(exc).__name__}: {text}"


def replace_register(
    register: Path,
    save: Callable[[io.BytesIO], None],
    sheet_titles: Sequence[str],
    old: bytes | None,
    backups_kept: int,
    before_replace: Callable[[str], None],
) -> None:
    """Save a new register atomically.

    ``save(buffer)`` writes the new workbook (into memory); ``before_replace(sha256)`` runs after it is
    proved to open and before it replaces the register (the audit log's phase 1).
    ``old`` is the register's bytes as read (None for a new register): if the file no
    longer holds them, someone saved it in the meantime and nothing is written.
    """
    folder = register.parent
    folder.mkdir(parents=True, exist_ok=True)
    refuse_linked_backups(register)
    fd, name = tempfile.mkstemp(prefix=f"{_temporary_prefix(register)}{os.getpid()}.", suffix=TEMP_SUFFIX,
                                dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        data = workbook_bytes(save, f"the new version of {register}")
        with open(tmp, "wb") as handle:
            handle.write(data)
        del data
        os.chmod(tmp, file_mode(register))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
            new_sha = hashlib.file_digest(handle, "sha256").hexdigest()
        prove_opens(tmp, sheet_titles)
        refuse_if_open(register)
        current = register.read_bytes() if register.exists() else None
        if current != old:
            raise RegisterError(
                f"{register} was changed by someone else while dpia was updating it. Nothing "
                "was written; run the command again to merge with their version."
            )
        before_replace(new_sha)
        if old is not None:
            keep_backup(register, old, backups_kept)
        os.replace(tmp, register)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)
