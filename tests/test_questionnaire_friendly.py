"""What a first-time user meets: stopping with Ctrl-D anywhere, going back from an item,
adding an organisation where it is needed, problems caught at the end of their section,
resuming without being asked again, and the edit command named for each gap."""

from __future__ import annotations

from pathlib import Path

import pytest
from prompt_keys import DOWN, ENTER, with_keys
from test_questionnaire import PROJECT

from dpia import questionnaire
from dpia.answers import INCOMPLETE_KEY, parse, read_text
from dpia.errors import QuestionnaireStopped

CTRL_D = "\x04"


def test_ctrl_d_in_a_choice_list_saves_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    # At the check-ins list. Without the binding, Ctrl-D is ignored, DOWN + ENTER goes on
    # to the organisations, and the script runs out there.
    keys = PROJECT[: -len(DOWN + ENTER)] + CTRL_D + DOWN + ENTER
    with pytest.raises(QuestionnaireStopped) as stopped:
        with_keys(keys, lambda ask: questionnaire.new(path, ask))
    assert f"dpia new {path}" in str(stopped.value)
    data, _ = parse(read_text(path))
    assert data[INCOMPLETE_KEY]["section"] == "project"
    assert data["project"]["title"] == "Carers and discharge"
