"""Helpers for the register tests: projects, people's edits, LibreOffice conversions."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from conftest import CONTRACT_EXAMPLE, EMBEDDED_EXAMPLE, TODAY

from dpia.answers.loader import load_text
from dpia.answers.model import Project
from dpia.assessment.assess import Assessment, assess

Item = tuple[Project, Assessment]


def project(text: str | None = None, pid: str | None = None, today: Any = TODAY) -> Item:
    """The contract example (or ``text``), optionally under another project id."""
    text = text if text is not None else CONTRACT_EXAMPLE.read_text(encoding="utf-8")
    if pid:
        text = text.replace("id: hwn-2026-discharge", f"id: {pid}")
    p = load_text(text)
    return p, assess(p, today)


def contract_text() -> str:
    return CONTRACT_EXAMPLE.read_text(encoding="utf-8")


def embedded() -> Item:
    return project(EMBEDDED_EXAMPLE.read_text(encoding="utf-8"))


def person_edits(path: Path, sheet: str, edits: dict[tuple[int, int], Any]) -> None:
    """Change cells as a person would (row, column) -> value, and save."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[sheet]
    for (row, col), value in edits.items():
        ws.cell(row, col).value = value
    wb.save(path)


def header_col(path: Path, sheet: str, header: str) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        row = next(wb[sheet].iter_rows(max_row=1, values_only=True))
        return list(row).index(header) + 1
    finally:
        wb.close()


def row_of(path: Path, sheet: str, key: str) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        for number, (value,) in enumerate(wb[sheet].iter_rows(max_col=1, values_only=True), start=1):
            if value == key:
                return number
    finally:
        wb.close()
    raise KeyError(key)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise AssertionError(
            "LibreOffice is needed for the register tests: install it with "
            "'apt-get install libreoffice-calc-nogui' (CI installs it in .ci/run)"
        )
    return found


def convert(files: list[Path], target: str, outdir: Path) -> list[Path]:
    """Convert files with LibreOffice headless in one run (a private profile, so runs never clash)."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dpia-lo-profile-") as profile:
        result = subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{Path(profile).as_posix()}", "--headless",
             "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
            capture_output=True, text=True, timeout=180,
        )
    ext = target.split(":")[0]
    out = [outdir / f"{f.stem}.{ext}" for f in files]
    missing = [o for o in out if not o.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {result.stdout} {result.stderr}"
    return out
