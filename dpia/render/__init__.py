"""Project + Assessment -> documents. One module per output kind.

:func:`build_all` runs every writer in :data:`WRITERS` in turn. A writer is a
function ``write(job) -> list[Output]`` that renders its documents and writes
each file atomically into ``job.out_dir``. Each writer sees what the writers
before it wrote in ``job.earlier``, so the last one (the start page,
index.html) can list every document. Under :func:`build_all` the files are
only kept in memory until every writer has finished, then written into a folder
beside the output folder and swapped in at once (:mod:`dpia.render.outfolder`),
so a build that fails, is stopped (Ctrl-C) or killed leaves all the old
documents or all the new ones, never a mix.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath
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
    """Render every document, then swap them all into the folder at once (:mod:`dpia.render.outfolder`).

    Nothing in the folder changes if rendering or writing fails, or is stopped.
    """
    from dpia.render import outfolder

    outfolder.check_out_dir(job.out_dir)
    job = replace(job, staged={})
    assert job.staged is not None
    outputs: list[Output] = []
    for spec in WRITERS:
        module_name, _, func_name = spec.partition(":")
        writer: Writer = getattr(importlib.import_module(module_name), func_name)
        outputs.extend(writer(replace(job, earlier=tuple(outputs))))
    files = {
        PurePosixPath(path.relative_to(job.out_dir).as_posix()): data
        for path, data in job.staged.items()
    }
    with interrupts_held() as stopped:
        try:
            outfolder.install(job.out_dir, files, outfolder.write_file)
        except OSError as exc:
            raise OutputError(outfolder.cannot_write(job.out_dir, exc)) from None
    if stopped:
        raise BuildStopped()
    return outputs
