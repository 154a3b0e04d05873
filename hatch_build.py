"""Wheel build step: compile the shipped templates into the wheel (``dpia/compiled-templates``).

A user's first build then loads them compiled instead of compiling some 35 templates,
which takes longer than the rest of Python's start. The code is checked before use and
ignored when it does not fit (see :class:`dpia.render.templating.CompiledTemplates`):
under another Python version the templates are compiled at the first build, as before.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileTemplates(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        target = Path(tempfile.mkdtemp(prefix="dpia-compiled-templates-"))
        sys.path.insert(0, self.root)
        try:
            from dpia.render.templating import precompile

            precompile(target)
        finally:
            sys.path.remove(self.root)
        build_data["force_include"][str(target)] = "dpia/compiled-templates"
