"""`dpia --help` and `dpia check` start fast: no heavy library is imported for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

HEAVY = ("pandas", "openpyxl", "reportlab", "docx", "lxml", "PIL")


def _imported_after(code: str) -> set[str]:
    probe = (
        f"{code}\nimport sys\n"
        f"print('HEAVY:' + ','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("HEAVY:"), result.stdout
    return set(filter(None, last.removeprefix("HEAVY:").split(",")))


def test_importing_the_command_line_module_imports_no_heavy_library() -> None:
    assert _imported_after("import dpia.cli") == set()


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import contextlib, io\nfrom dpia.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
    )
    assert _imported_after(code) == set()


def test_a_build_does_import_them(tmp_path: Path) -> None:
    """The Word writer's libraries are named as they are imported, so the checks above can fail."""
    code = (
        "import contextlib, io\nfrom dpia.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['demo', '--out', {str(tmp_path / 'demo')!r}, '--date', '2026-11-26']) == 0\n"
    )
    assert {"docx", "lxml", "PIL", "reportlab"} <= _imported_after(code)


def test_check_on_the_example_imports_no_heavy_library() -> None:
    code = (
        "import contextlib, io\nfrom dpia.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['check', '--example', '--date', '2026-11-26']) == 0\n"
        "    assert main(['check', '--example', '--json', '--date', '2026-11-26']) == 0\n"
        "    assert main(['schema']) == 0"
    )
    assert _imported_after(code) == set()


def test_check_does_not_load_the_questionnaire() -> None:
    code = (
        "import contextlib, io, sys\nfrom dpia.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['check', '--example', '--date', '2026-11-26']) == 0\n"
        "assert 'dpia.questionnaire.questions' not in sys.modules, 'check loaded the questionnaire'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_edit_still_lists_and_checks_its_sections(capsys: pytest.CaptureFixture[str]) -> None:
    from dpia.cli import main
    from dpia.questionnaire.questions import SECTION_NAMES

    assert main(["edit", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in SECTION_NAMES)
    assert main(["edit", "x.yaml", "--section", "nope"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err and repr(SECTION_NAMES[-1]) in err


def test_build_does_not_import_numpy_and_numpy_still_imports_afterwards(tmp_path: Path) -> None:
    """openpyxl would import numpy (a tenth of a second) that a build never uses; anything
    that needs numpy later in the same process (pandas) must still get it."""
    code = (
        "import contextlib, gc, io, sys\nfrom dpia.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['build', '--example', '--out', {str(tmp_path)!r}, '--date', '2026-11-26']) == 0\n"
        "assert 'openpyxl' in sys.modules and 'numpy' not in sys.modules, 'the build imported numpy'\n"
        "assert gc.isenabled(), 'main() left the garbage collector off'\n"
        "import numpy, pandas\n"
        "assert isinstance(pandas.DataFrame({'a': [1]}).a.sum(), numpy.integer)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    assert (tmp_path / "data-sharing-register.xlsx").stat().st_size > 0
