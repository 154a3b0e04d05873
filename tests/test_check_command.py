"""`dpia check` as users run it."""

from __future__ import annotations

import json

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


def test_bad_method_names_field_and_line(run_dpia: RunDpia, contract_text, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(contract_text.replace("method: nhsmail", "method: fax"), encoding="utf-8")
    result = run_dpia("check", bad)
    assert result.returncode == 1
    assert "sharing[3].method" in result.stderr
    assert "line 186" in result.stderr
    assert "'fax' is not allowed" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_error_exit_2(run_dpia: RunDpia) -> None:
    result = run_dpia("check")
    assert result.returncode == 2
    assert "name an answers file" in result.stderr
