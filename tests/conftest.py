"""Shared fixtures: the example projects, and running the real `dpia` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# The contract example: a copy lives in tests/data so the suite runs anywhere;
# test_contract_copy checks it still equals ../shared when that is present.
CONTRACT_EXAMPLE = DATA / "contract-example.yaml"
SHARED_EXAMPLE = ROOT.parent / "shared" / "contract" / "examples" / "hospital-discharge-carers.yaml"
EMBEDDED_EXAMPLE = ROOT / "dpia" / "examples" / "healthwatch-mental-health-survey.yaml"
TODAY = date(2026, 11, 26)


@pytest.fixture
def contract_path() -> Path:
    return CONTRACT_EXAMPLE


@pytest.fixture
def contract_text() -> str:
    return CONTRACT_EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def example_path() -> Path:
    return EMBEDDED_EXAMPLE


RunDpia = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_dpia() -> RunDpia:
    """Run `python -m dpia ARGS` from this checkout, as a user would run the command."""

    def run(*args: str | Path, cwd: Path | None = None, input: str | None = None,
            timeout: float = 120, env: dict[str, str | None] | None = None,
            ) -> subprocess.CompletedProcess[str]:
        """``env`` adds variables to the environment; a value of None removes one."""
        full = dict(os.environ)
        full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
        full.setdefault("PYTHONIOENCODING", "utf-8")
        full["COLUMNS"] = "120"
        for key, value in (env or {}).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        return subprocess.run(
            [sys.executable, "-m", "dpia", *map(str, args)],
            cwd=cwd, env=full, input=input, capture_output=True, text=True,
            encoding="utf-8", timeout=timeout,
        )

    return run


GOLDEN = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare generated text with tests/golden/NAME.

    After an intended wording change, regenerate every golden file with:
        DPIA_REGEN_GOLDEN=1 python -m pytest -q
    then review the change with `git diff tests/golden`.
    """
    path = GOLDEN / name
    if os.environ.get("DPIA_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        raise AssertionError(
            f"no golden file {path}; create it with DPIA_REGEN_GOLDEN=1 python -m pytest -q"
        )
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file; if the change is intended, regenerate with "
        "DPIA_REGEN_GOLDEN=1 python -m pytest -q and review git diff tests/golden"
    )
