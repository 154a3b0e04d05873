"""Project + Assessment -> documents. One module per output kind.

:func:`build_all` runs every writer in :data:`WRITERS` in turn. A writer is a
function ``write(job) -> list[Output]`` that renders its documents and writes
each file atomically into ``job.out_dir``. Each writer sees what the writers
before it wrote in ``job.earlier``, so the last one (the start page,
index.html) can list every document. Under :func:`build_all` the files are
only kept in memory until every writer has finished, then written together, so
a build that fails or is stopped (Ctrl-C) leaves the folder as it was, never
half old and half new documents.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dpia.errors import OutputError
from dpia.fileio import atomic_write_bytes, interrupts_held

if TYPE_CHECKING:
    from dpia.answers.model import Project
    from dpia.assessment.assess import Assessment
    from dpia.render.readability import Score


@dataclass(frozen=True)
class Job:
    project: Project
    assessment: Assessment
    out_dir: Path
    templates: str | None = None  # a user's template folder, or None for the shipped ones
    earlier: tuple[Output, ...] = ()  # what the writers before this one wrote, in order
    # Files rendered but not yet written (path -> bytes); None writes each file at once.
    staged: dict[Path, bytes] | None = field(default=None, compare=False)

    @property
    def today(self) -> date:
        return self.assessment.today

    def write(self, relative: str, content: bytes | str, what: str) -> Output:
        path = self.out_dir / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.staged is None:
            atomic_write_bytes(path, data)
        else:
            self.staged[path] = data
        return Output(path=path, what=what)

    def staged_text(self, path: Path) -> str:
        """A file this job wrote (or holds until the build writes everything), as text."""
        data = self.staged[path] if self.staged is not None else path.read_bytes()
        return data.decode("utf-8")


@dataclass
class Output:
    path: Path
    what: str
    notes: list[str] = field(default_factory=list)
    score: Score | None = None  # readability of a plain text against its target
    anchors: tuple[str, ...] = ()  # ids in an HTML page that other pages may link to


Writer = Callable[[Job], list[Output]]

# "module:function", imported only when a build runs.
WRITERS: list[str] = [
    "dpia.render.dpia_doc:write",
    "dpia.render.notice:write",
    "dpia.render.participant:write",
    "dpia.render.agreement:write",
    "dpia.register.writer:write",
    "dpia.render.index:write",  # last: the start page lists everything written before it
]


class BuildStopped(KeyboardInterrupt):
    """Ctrl-C while the files were being replaced: they were all written first."""


def build_all(job: Job) -> list[Output]:
    """Render every document, then write them all; nothing is written if rendering fails."""
    check_out_dir(job.out_dir)
    job = replace(job, staged={})
    assert job.staged is not None
    outputs: list[Output] = []
    for spec in WRITERS:
        module_name, _, func_name = spec.partition(":")
        writer: Writer = getattr(importlib.import_module(module_name), func_name)
        outputs.extend(writer(replace(job, earlier=tuple(outputs))))
    written = 0
    with interrupts_held() as stopped:
        try:
            for path, data in job.staged.items():
                atomic_write_bytes(path, data)
                written += 1
        except OSError as exc:
            raise OutputError(_cannot_write(job.out_dir, exc, written)) from None
    if stopped:
        raise BuildStopped()
    return outputs


def check_out_dir(out: Path) -> None:
    """Refuse, before any work, an output folder that is a file or cannot be written."""
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
        raise OutputError(_cannot_write(out, PermissionError(13, "permission denied"), 0))


def _cannot_write(out: Path, exc: OSError, written: int) -> str:
    reason = (exc.strerror or str(exc)).lower()
    done = (
        "Nothing was changed." if not written
        else f"{written} file(s) were replaced before that; build again once it is fixed."
    )
    return (
        f"cannot write the documents into {out} ({reason}). {done} Choose a folder you can "
        "write to with --out (e.g. one in your Documents), or ask whoever manages that "
        "folder for write access."
    )
