"""The small English helpers shared by the documents and the questionnaire, and the
articles they put before a vocabulary's labels."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from dpia.answers import vocab
from dpia.answers.words import article, join_and, with_article


@pytest.mark.parametrize(("phrase", "expected"), [
    ("NHS trust", "an"), ("ICB", "an"), ("MOU", "an"), ("SFTP link", "an"),
    ("GP practice", "a"), ("DPO", "a"), ("organisation", "an"), ("integrated care board", "an"),
    ("university", "a"), ("user", "a"), ("one-off survey", "a"), ("hour", "an"),
    ("local Healthwatch", "a"), ("other organisation", "an"), ("company", "a"),
    ("transfer outside the UK", "a"), ("", "a"),
])
def test_article(phrase: str, expected: str) -> None:
    assert article(phrase) == expected


def test_join_and() -> None:
    assert join_and([]) == ""
    assert join_and(["A"]) == "A"
    assert join_and(["A", "B"]) == "A and B"
    assert join_and(["A", "B", "C"], last="or") == "A, B or C"


def test_every_organisation_type_gets_the_right_article() -> None:
    shown = {code: with_article(label) for code, label in vocab.ORG_TYPES.items()}
    assert shown["nhs_trust"] == "an NHS trust"
    assert shown["icb"] == "an integrated care board"
    assert shown["university"] == "a university"


def test_no_a_before_nhs_anywhere() -> None:
    """Nothing dpia ships or writes says 'a NHS' (nor 'a ICB', 'a ICO')."""
    wrong = re.compile(r"\b[Aa] (NHS|ICB|ICO|MOU)\b")
    files = [p for folder in ("dpia", "templates", "docs", "tests/golden")
             for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    files.append(ROOT / "README.md")
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
             for m in wrong.finditer(p.read_text(encoding="utf-8", errors="ignore"))]
    assert found == []


def test_questionnaire_does_not_import_render_for_words() -> None:
    """asking.py uses the shared join_and, not a copy of its own."""
    source = (ROOT / "dpia/questionnaire/asking.py").read_text(encoding="utf-8")
    assert "def and_list" not in source and "join_and" in source
