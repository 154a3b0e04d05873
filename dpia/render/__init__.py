"""Project + Assessment -> documents. One module per output kind.

:func:`build_all` runs every writer in :data:`WRITERS` in turn. A writer is a
function ``write(job) -> list[Output]`` that renders its documents and writes
each file atomically into ``job.out_dir``. Each writer sees what the writers
before it wrote in ``job.earlier``, so the last one (the start page,
index.html) can list every document.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dpia.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from dpia.assess import Assessment
    from dpia.model import Project
    from dpia.render.readability import Score


@dataclass(frozen=True)
class Job:
    project: Project
    assessment: Assessment
    out_dir: Path
    templates: str | None = None  # a user's template folder, or None for the shipped ones
    earlier: tuple[Output, ...] = ()  # what the writers before this one wrote, in order

    @property
    def today(self) -> date:
        return self.assessment.today

    def write(self, relative: str, content: bytes | str, what: str) -> Output:
        path = self.out_dir / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        atomic_write_bytes(path, data)
        return Output(path=path, what=what)


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


def build_all(job: Job) -> list[Output]:
    job.out_dir.mkdir(parents=True, exist_ok=True)
    outputs: list[Output] = []
    for spec in WRITERS:
        module_name, _, func_name = spec.partition(":")
        writer: Writer = getattr(importlib.import_module(module_name), func_name)
        outputs.extend(writer(replace(job, earlier=tuple(outputs))))
    return outputs
