"""`dpia check` as users run it."""

from __future__ import annotations

import json

import pytest
from conftest import RunDpia


def test_contract_example_checks_clean(run_dpia: RunDpia, contract_path) -> None:
    result = run_dpia("check", contract_path, "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert "REQUIRED" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_example_json(run_dpia: RunDpia) -> None:
    result = run_dpia("check", "--example", "--json", "--date", "2026-11-26")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["screening"]["verdict"] == "required"
    assert any(r["id"] == "insecure-transfer-phone-answers" for r in data["risks"])


def _nhsmail_line(text: str) -> int:
    return text.splitlines().index("    method: nhsmail") + 1


def test_bad_method_names_field_and_line(run_dpia: RunDpia, contract_text, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(contract_text.replace("method: nhsmail", "method: fax"), encoding="utf-8")
    result = run_dpia("check", bad)
    assert result.returncode == 1
    assert "sharing[3].method" in result.stderr
    assert f"line {_nhsmail_line(contract_text)}" in result.stderr
    assert "'fax' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_error_exit_2(run_dpia: RunDpia) -> None:
    result = run_dpia("check")
    assert result.returncode == 2
    assert "name an answers file" in result.stderr


@pytest.mark.parametrize(("args", "meant"), [
    (("bulid", "x.yaml"), "build"), (("chek",), "check"), (("register", "ad"), "add"),
    (("edti", "x.yaml"), "edit"),
])
def test_a_mistyped_command_suggests_the_one_meant(
    run_dpia: RunDpia, args: tuple[str, ...], meant: str,
) -> None:
    result = run_dpia(*args)
    assert result.returncode == 2
    assert f"did you mean '{meant}'?" in result.stderr


def test_an_unknown_command_like_none_suggests_nothing(run_dpia: RunDpia) -> None:
    result = run_dpia("zzz")
    assert result.returncode == 2
    assert "did you mean" not in result.stderr and "invalid choice: 'zzz'" in result.stderr


def _sections(out: str) -> list[int]:
    return [out.index(marker) for marker in ("Is a DPIA needed?", "Risks (", "Gaps (")]


def test_check_prints_verdict_then_risks_then_gaps(run_dpia: RunDpia) -> None:
    result = run_dpia("check", "--example", "--date", "2026-11-26")
    assert result.returncode == 0
    positions = _sections(result.stdout)
    assert positions == sorted(positions)
    assert "because processing.special_category: health, sexual_orientation" in result.stdout
    assert "Large scale means 1000 or more participants" in result.stdout
    assert "insecure-transfer-phone-answers" in result.stdout
    assert "blocks sign-off: draft (signoff)" in result.stdout


def test_large_scale_setting_changes_the_verdict_text(run_dpia: RunDpia) -> None:
    result = run_dpia("check", "--example", "--date", "2026-11-26", "--large-scale", "5000")
    assert "Large scale means 5000 or more participants" in result.stdout
    assert "large-scale " not in result.stdout


def test_strict_exits_1_on_blocking_gaps_only(run_dpia: RunDpia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run_dpia("check", "--example", "--strict", "--date", "2026-11-26").returncode == 1
    assert run_dpia("check", "--example", "--date", "2026-11-26").returncode == 0
    from test_checks import clean
    from variants import text_of

    good = tmp_path / "clean.yaml"
    good.write_text(text_of(clean()), encoding="utf-8")
    result = run_dpia("check", good, "--strict", "--date", "2026-11-26")
    assert result.returncode == 0, result.stdout
    assert "No gaps found." in result.stdout


def test_json_has_the_same_content(run_dpia: RunDpia) -> None:
    text = run_dpia("check", "--example", "--date", "2026-11-26").stdout
    data = json.loads(run_dpia("check", "--example", "--json", "--date", "2026-11-26").stdout)
    assert data["file_valid"] is True and data["errors"] == []
    assert data["screening"]["large_scale_threshold"] == 1000
    for criterion in data["screening"]["criteria"]:
        assert criterion["title"] in text
    for risk in data["risks"]:
        assert risk["id"] in text
        assert set(risk) >= {"likelihood", "severity", "overall", "measures_recorded"}
    for gap in data["gaps"]:
        assert gap["id"] in text and gap["level"] in ("blocks-signoff", "advice")
    assert data["blocking_gaps"] == sum(g["level"] == "blocks-signoff" for g in data["gaps"])


def test_json_errors(run_dpia: RunDpia, contract_text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(contract_text.replace("method: nhsmail", "method: fax"), encoding="utf-8")
    result = run_dpia("check", bad, "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["file_valid"] is False
    assert data["errors"][0]["path"] == "sharing[3].method"
    assert data["errors"][0]["line"] == _nhsmail_line(contract_text)


@pytest.mark.parametrize("columns", ["40", "60", "72", "80", "200"])
def test_risk_ids_are_never_cut(run_dpia: RunDpia, columns: str) -> None:
    result = run_dpia("check", "--example", "--date", "2026-11-26", env={"COLUMNS": columns})
    assert result.returncode == 0
    risks = result.stdout[result.stdout.index("Risks ("):result.stdout.index("Gaps (")]
    # First word of each line; a piece ending in '-' continues on the next line.
    words: list[str] = []
    for line in risks.splitlines()[1:]:
        if line.strip():
            first = line.split()[0]
            if words and words[-1].endswith("-"):
                words[-1] += first
            else:
                words.append(first)
    for rid in ("insecure-transfer-phone-answers", "no-processor-contract-callpoint",
                "findings-suppressed", "lost-phone-notes"):
        assert rid in words, words
    assert "…" not in result.stdout
    assert all(len(line) <= max(int(columns), 40) for line in result.stdout.splitlines()
               if not line.startswith("  because")), result.stdout


def test_piped_output_is_100_wide_without_trailing_spaces(run_dpia: RunDpia) -> None:
    result = run_dpia("check", "--example", "--date", "2026-11-26", env={"COLUMNS": None})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert not [line for line in lines if line != line.rstrip()]
    assert "insecure-transfer-phone-answers  probable" in result.stdout  # a table at 100


def test_version_and_help(run_dpia: RunDpia) -> None:
    from dpia import __version__

    version = run_dpia("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"dpia {__version__}"
    helped = run_dpia("--help")
    assert helped.returncode == 0 and "check" in helped.stdout and "schema" in helped.stdout
    assert run_dpia("check", "--help").returncode == 0


@pytest.mark.parametrize(
    "args",
    [("check", "--date", "tomorrow", "--example"), ("check", "--bogus"), ("nonsense",),
     ("check", "--example", "x.yaml"), ("check", "--example", "--large-scale", "0"), ()],
)
def test_usage_errors_exit_2(run_dpia: RunDpia, args: tuple[str, ...]) -> None:
    result = run_dpia(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_a_traceback_anywhere_on_the_line(run_dpia: RunDpia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    quiet = run_dpia("check", tmp_path / "missing.yaml")
    assert "Traceback" not in quiet.stderr
    for args in (("--debug", "check", tmp_path / "missing.yaml"),
                 ("check", tmp_path / "missing.yaml", "--debug")):
        assert "Traceback" in run_dpia(*args).stderr


def test_schema_is_json_schema_the_examples_keep(run_dpia: RunDpia, contract_path, example_path) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    result = run_dpia("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in (contract_path, example_path):
        # As an editor sees the file: YAML 1.2 types, dates as text.
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        assert list(validator.iter_errors(data)) == []
    data["processing"]["lawful_basis"] = ["consent"]
    data["sharing"][0]["methd"] = "sftp"
    assert len(list(validator.iter_errors(data))) == 2
