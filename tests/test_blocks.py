"""The DPIA block markup: user text escaped with `blk` comes back exactly, and never as markup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpia.errors import OutputError
from dpia.render.blocks import Para, Table, parse, parse_inline, plain, split_cells
from dpia.render.templating import blk

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)


@given(TEXT)
def test_escaped_text_comes_back_exactly(text: str) -> None:
    spans = parse_inline(blk(text))
    assert "".join(s.text for s in spans) == text
    assert not any(s.bold or s.italic or s.code or s.level for s in spans)


@given(TEXT, TEXT)
def test_escaped_text_cannot_split_a_table_row_or_start_a_block(a: str, b: str) -> None:
    doc = parse(f"@table\n@th A | B\n@tr {blk(a)} | {blk(b)}\n@end\n@p after")
    table, para = doc.blocks
    assert isinstance(table, Table) and isinstance(para, Para)
    assert len(table.rows) == 1 and len(table.rows[0]) == 2


def test_line_breaks_in_answers_are_kept_as_breaks() -> None:
    spans = parse_inline(blk("line one\r\nline two"))
    assert [s.kind for s in spans] == ["text", "br", "text"]
    assert plain(spans) == "line one line two"


def test_markup_and_cells() -> None:
    assert split_cells(r"a \| b | c") == [r"a \| b", "c"]
    (bold,) = parse_inline("[b]x[/b]")
    assert bold.bold and bold.text == "x"


@pytest.mark.parametrize("source", ["@h9 x", "@p.shout x", "@th a | b", "@table\n@tr a", "@p [u]x[/u]"])
def test_template_mistakes_are_reported(source: str) -> None:
    with pytest.raises(OutputError):
        parse(source)
