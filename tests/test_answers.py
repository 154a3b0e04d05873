"""Reading and writing answers files: what is refused, what is kept, how files are saved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import RunDpia
from variants import change, contract_data, text_of

from dpia.answers import loader as answers
from dpia.answers.loader import MAX_BYTES, load, load_text, parse, save
from dpia.errors import AnswersError, IncompleteAnswersError, UsageError


def test_contract_example_loads_unchanged(contract_path: Path) -> None:
    p = load(contract_path)
    assert p.project.id == "hwn-2026-discharge"
    assert p.organisations[0].dpo is not None
    assert p.organisations[0].dpo.phone == "01632 960123"
    assert p.processing.special_category == ["health", "racial_or_ethnic_origin"]


def test_embedded_example_loads(example_path: Path) -> None:
    assert load(example_path).is_draft


def test_scalars_stay_text() -> None:
    data, _ = parse("a: NO\nb: 0123\nc: 01632 960123\nd: 12:30\ne: yes\nf: 1e3\ng: ~\nh: ''\n")
    assert data == {"a": "NO", "b": "0123", "c": "01632 960123", "d": "12:30", "e": "yes",
                    "f": "1e3", "g": None, "h": ""}


def test_unquoted_text_fields_are_kept_as_typed(contract_text: str) -> None:
    text = contract_text.replace('phone: "01632 960123"', "phone: 01632 960123")
    text = text.replace("reference: MOU-2026-03", "reference: 0123")
    text = text.replace("ico_registration: ZA000001", "ico_registration: NO")
    text = text.replace("  - milestone: planning", "  - milestone: 12:30")
    p = load_text(text)
    assert p.organisations[0].dpo is not None and p.organisations[0].dpo.phone == "01632 960123"
    assert p.project.agreement is not None and p.project.agreement.reference == "0123"
    assert p.organisations[0].ico_registration == "NO"
    assert p.project.checkins[0].milestone == "12:30"


# (name, file content, the path the message names, fragment of the message)
REFUSED: list[tuple[str, bytes, str, str]] = [
    ("duplicate-key", b"format: dpia-answers/1\nproject:\n  id: a\n  id: b\n",
     "project.id (line 4)", "appears twice"),
    ("alias", b"format: dpia-answers/1\nx: &a [1]\ny: *a\n", "x (line 2)", "anchor"),
    ("alias-only", b"format: dpia-answers/1\ny: *a\n", "y (line 2)", "alias (*name)"),
    ("python-tag", b"format: dpia-answers/1\nproject: !!python/object/apply:os.system [ls]\n",
     "project (line 2)", "!!python/object/apply:os.system"),
    ("other-tag", b"format: !!str dpia-answers/1\n", "format (line 1)", "tags are not allowed"),
    ("local-tag", b"format: dpia-answers/1\nsharing: !flows []\n", "sharing (line 2)", "!flows"),
    ("list-document", b"- format: dpia-answers/1\n", "(whole file)", "YAML mapping"),
    ("scalar-document", b"dpia-answers/1\n", "(whole file)", "YAML mapping"),
    ("empty-file", b"", "(whole file)", "is empty"),
    ("two-documents", b"format: dpia-answers/1\n---\nformat: dpia-answers/1\n",
     "(whole file) (line 2)", "more than one YAML document"),
    ("binary-garbage", bytes(range(256)) * 4, "(whole file)", "not a UTF-8 text file"),
    ("nul-bytes", b"format: dpia\x00answers/1\n", "(whole file)", "binary data"),
    ("control-character", b"format: dpia-answers/1\nproject:\n  title: a\x07b\n",
     "(whole file) (line 3)", "control character (code 0x07)"),
    ("tab-indent", b"format: dpia-answers/1\nproject:\n\tid: a\n", "(whole file) (line 3)",
     "tab character"),
    ("bad-yaml", b"format: [dpia\n", "(whole file) (line 2)", "not valid YAML"),
    ("deep-nesting", b"format: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "format[1][1] (line 1)",
     "nested more than 50 levels"),
    ("deep-mapping", b"format: " + b"{a: " * 10_000 + b"}" * 10_000 + b"\n", "format.a.a (line 1)",
     "nested more than 50 levels"),
    ("complex-key", b"? [a, b]\n: c\n", "(whole file) (line 1)", "a key must be plain text"),
    ("unknown-key", b"format: dpia-answers/1\nformt: x\n", "formt (line 2)", "not a field here"),
    ("over-1-mib", b"format: dpia-answers/1\n" + b"#" * MAX_BYTES + b"\n", "(whole file)",
     "limited to 1 MiB"),
]


@pytest.mark.parametrize(
    ("content", "where", "fragment"), [pytest.param(c, w, f, id=n) for n, c, w, f in REFUSED]
)
def test_refused_file_exit_1_with_path_and_no_traceback(
    run_dpia: RunDpia, tmp_path: Path, content: bytes, where: str, fragment: str
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_bytes(content)
    result = run_dpia("check", path)
    assert result.returncode == 1, result.stderr
    assert f"  {where}" in result.stderr or f"  {where}:" in result.stderr, result.stderr
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert path.read_bytes() == content  # a failed check never changes the file


@pytest.mark.parametrize(
    "content", [pytest.param(c, id=n) for n, c, _, _ in REFUSED if n != "over-1-mib"]
)
def test_refused_content_raises_only_answers_error(content: bytes) -> None:
    with pytest.raises(AnswersError) as caught:
        load_text(answers.decode(content, "f.yaml"), "f.yaml")
    assert caught.value.problems


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf16-bom"),
    ],
)
def test_bom_crlf_and_utf16_are_read(contract_text: str, tmp_path: Path, encode) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.yaml"
    path.write_bytes(encode(contract_text))
    assert load(path) == load_text(contract_text)


def test_missing_file_and_folder_are_usage_errors(run_dpia: RunDpia, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load(tmp_path / "nope.yaml")
    with pytest.raises(UsageError):
        load(tmp_path)
    result = run_dpia("check", tmp_path / "nope.yaml")
    assert result.returncode == 2
    assert "file not found" in result.stderr and "Traceback" not in result.stderr


def test_error_names_the_line_and_field(contract_text: str) -> None:
    text = contract_text.replace("identifiability: anonymised", "identifiability: anonymous")
    with pytest.raises(AnswersError) as caught:
        load_text(text)
    [problem] = caught.value.problems
    assert problem.path == "sharing[3].identifiability"
    assert problem.line == text.splitlines().index("    identifiability: anonymous") + 1
    assert "allowed values: identifiable, pseudonymised, anonymised, aggregate" in problem.message


def test_incomplete_file_says_how_to_finish(contract_text: str) -> None:
    with pytest.raises(IncompleteAnswersError) as caught:
        load_text(contract_text + "incomplete:\n  section: sharing\n", "p.yaml")
    assert "stopped at section 'sharing'" in caught.value.problems[0].message


# --- saving ---------------------------------------------------------------------


def test_save_round_trips_and_is_stable(contract_path: Path, tmp_path: Path) -> None:
    original = load(contract_path)
    first = tmp_path / "first.yaml"
    save(original, first)
    again = load(first)
    assert again == original
    second = tmp_path / "second.yaml"
    save(again, second)
    assert first.read_bytes() == second.read_bytes()


def test_save_keeps_the_contract_key_order(contract_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    save(load(contract_path), out)
    data, _ = parse(out.read_text(encoding="utf-8"))
    assert list(data) == ["format", "project", "organisations", "data_protection", "processing",
                          "sharing", "findings", "consultation", "risks", "signoff"]
    assert list(data["sharing"][0])[:4] == ["id", "from", "to", "data"]


def test_save_keeps_text_that_looks_like_other_types(tmp_path: Path) -> None:
    from variants import project

    p = project(change({"project.title": "NO", "project.agreement.reference": "0123",
                        "project.checkins[1].milestone": "2026-01-20",
                        "project.summary": "12:30\nsecond line  "}))
    out = tmp_path / "out.yaml"
    save(p, out)
    back = load(out)
    assert back.project.title == "NO"
    assert back.project.agreement is not None and back.project.agreement.reference == "0123"
    assert back.project.checkins[0].milestone == "2026-01-20"
    assert back.project.summary == "12:30\nsecond line  "


def test_a_failed_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           contract_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_text("old content\n", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save(load(contract_path), target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


def test_variant_text_is_a_loadable_file() -> None:
    assert load_text(text_of(contract_data())).project.id == "hwn-2026-discharge"


@pytest.mark.parametrize("value", ["0\x85", "a\u2028b", "x\r\ny", "a\nb\x85", " lead", "trail ",
                                   "two\n\n lines  \n"])
def test_dump_keeps_unusual_line_breaks(value: str) -> None:
    # Found by the property test: a NEL character was written plain and read back as a space.
    assert parse(answers.dump({"k": value}))[0] == {"k": value}
