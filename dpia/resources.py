"""Where the shipped templates, register layouts and example projects live.

In a wheel, ``templates/`` and ``registers/`` are installed inside the package;
in a source checkout they sit beside it at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = PACKAGE / name
    if inside.is_dir():
        return inside
    return PACKAGE.parent / name


def templates_dir() -> Path:
    return _shipped("templates")


def registers_dir() -> Path:
    return _shipped("registers")


def examples_dir() -> Path:
    return PACKAGE / "examples"


EXAMPLE_NAME = "healthwatch-mental-health-survey.yaml"


def example_path() -> Path:
    """The embedded example project used by ``--example`` and ``dpia demo``."""
    return examples_dir() / EXAMPLE_NAME
