"""Before building, the questionnaire shows the survey introduction as it will be pasted,
so the person sees their answers in context (issue 12 point 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from prompt_keys import ENTER, with_keys

from dpia.answers.loader import load


def _after(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    from dpia import cli

    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    project = load(path)
    args = cli.build_parser().parse_args(["new", "p.yaml", "--date", "2026-11-26"])
    monkeypatch.chdir(tmp_path)
    asked: list[str] = []

    def run(ask: Any) -> None:
        prompter = ask()
        confirm = prompter.confirm

        def record(message: str, **kw: Any) -> bool:
            asked.append(message)
            return confirm(message, **kw)

        prompter.confirm = record  # type: ignore[method-assign]
        monkeypatch.setattr(cli, "_prompter", lambda: prompter)
        cli._after_questionnaire(project, args, offer_build=True)

    # No measures ticked (nothing recorded: the risks stay open), then no build.
    _, said = with_keys(ENTER + "n", run)
    assert asked[-1] == "Build the DPIA and the other documents now?"
    return said, project.project.summary


def test_the_survey_introduction_is_shown_before_the_build_offer(
    tmp_path: Path, contract_text: str, monkeypatch: pytest.MonkeyPatch, capsys: Any,
) -> None:
    said, summary = _after(tmp_path, contract_text, monkeypatch)
    heading = "Your answers in context: the survey introduction, as it will be pasted"
    assert heading in said
    shown = said[said.index(heading):]
    assert summary.split(".")[0] in shown  # the project's own words, in the text
    assert "dpia edit p.yaml" in shown
    written = tmp_path / "dpia-output"
    assert not written.exists()  # shown, not built


def test_without_a_survey_the_first_information_sheet_is_shown(
    tmp_path: Path, contract_text: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    data = yaml.safe_load(contract_text)
    data["project"]["methods"] = ["focus_group"]
    minutes = data["project"].get("participation_minutes") or {}
    data["project"]["participation_minutes"] = {
        m: n for m, n in minutes.items() if m == "focus_group"}
    said, _ = _after(tmp_path, yaml.safe_dump(data, sort_keys=False), monkeypatch)
    assert "Your answers in context: the information sheet for focus groups" in said
