"""Property tests: no input, however odd, gets anything but the tool's own error."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from variants import change, contract_data, get_path, project

from dpia.answers.loader import decode, dump, load_text, parse, to_data
from dpia.answers.validate import validate
from dpia.errors import AnswersError

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["NO", "0123", "12:30", "2026-02-30", "~", "", "yes"]),
)
plain = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=20,
)


def _load_or_own_error(text: str) -> None:
    try:
        load_text(text, "f.yaml")
    except AnswersError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert isinstance(problem.path, str) and problem.message


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw: bytes) -> None:
    try:
        text = decode(raw, "f.yaml")
    except AnswersError:
        return
    _load_or_own_error(text)


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    _load_or_own_error(text)


@SETTINGS
@given(plain)
def test_arbitrary_yaml(data: Any) -> None:
    _load_or_own_error(yaml.safe_dump(data, allow_unicode=True))


CONTRACT_PATHS = [
    "format", "project", "project.title", "project.methods", "project.start", "organisations",
    "organisations[1]", "organisations[1].dpo", "data_protection.controllers",
    "data_protection.processors[1]", "processing.lawful_basis", "processing.approx_participants",
    "processing.special_category", "processing.retention", "sharing", "sharing[2]",
    "sharing[2].starts", "findings", "consultation", "risks", "signoff", "signoff.dpo_advice",
]


@SETTINGS
@given(st.sampled_from(CONTRACT_PATHS), plain)
def test_contract_example_with_one_field_replaced(path: str, value: Any) -> None:
    data = change({path: value})
    _load_or_own_error(dump(data))
    validate(data)  # plain data straight to the model never raises either


@SETTINGS
@given(st.sampled_from(CONTRACT_PATHS), plain)
def test_contract_example_with_arbitrary_yaml_spliced_in(path: str, value: Any) -> None:
    data = contract_data()
    if isinstance(get_path(data, path), str):
        data = change({path: value})
    _load_or_own_error(yaml.safe_dump(data, allow_unicode=True))


printable = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    min_size=1, max_size=60,
).filter(lambda t: t.strip() != "")


# Any text a document can hold: no lone surrogates, no controls but tab and line breaks
# (those are refused with a message: tests/test_hardening.py).
holdable = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r\x85"),
    min_size=1, max_size=80,
)


@SETTINGS
@given(title=printable, summary=holdable.filter(lambda t: t.strip() != ""))
def test_saved_text_fields_load_back_unchanged(title: str, summary: str) -> None:
    # What save() writes (it adds only the atomic write, tested in test_answers).
    p = project(change({"project.title": title}))
    p = p.model_copy(update={"project": p.project.model_copy(update={"summary": summary})})
    back = load_text(dump(to_data(p)))
    assert back.project.title == title
    assert back.project.summary == summary


def test_parse_of_saved_contract_example_is_plain_data() -> None:
    data, _ = parse(dump(contract_data()))
    assert data == contract_data()
