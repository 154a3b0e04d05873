"""The document block markup, parsed into a small tree the three DPIA formats share.

``templates/dpia.blocks.j2`` writes the whole DPIA once, in a line-based markup;
the HTML, Markdown and PDF writers each turn the parsed :class:`Document` into
their format, escaping text for that format. So wording lives in one template
and the three formats cannot drift apart.

Blocks (each starts at an ``@keyword``; line breaks inside a block are spaces; write
``\\@`` for a literal at sign in wording)::

    @meta KEY VALUE          document settings and fixed wording (title, header, labels)
    @h1 / @h2 / @h3 TEXT     headings; @h2 and @h3 go into the table of contents
    @p TEXT  @p.STYLE TEXT   paragraph; styles: lead, note, warn, small
    @li TEXT                 list item; consecutive items form one list
    @table[.STYLE] [widths=3,2,5] [rowheads]   then @caption, @th / @tr rows of cells split by |,
                             then @end; the caption names the table for screen readers (HTML)
    @figure NAME CAPTION     a diagram drawn by the writer (flows, heatmap-before, heatmap-after)
    @toc TITLE               the table of contents (PDF and HTML)
    @pagebreak               a new page in print

Inline: ``[b]..[/b]`` bold, ``[i]..[/i]`` italic, ``[code]..[/code]`` an identifier,
``[lv high]..[/lv]`` a risk level, ``[nobr]..[/nobr]`` words kept on one line (dates),
``[br]`` a line break, ``[blank]`` a line to write on.
The ``blk`` template filter escapes user text (``\\``, ``[``, ``]``, ``|``, ``@``), so
nothing a user types can start a block or add markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from dpia.errors import OutputError

SpanKind = Literal["text", "br", "blank"]


@dataclass(frozen=True)
class Span:
    text: str = ""
    kind: SpanKind = "text"
    bold: bool = False
    italic: bool = False
    code: bool = False
    level: str | None = None
    nobr: bool = False


Inline = tuple[Span, ...]


def plain(spans: Inline) -> str:
    """The text of some spans without styling (for bookmarks, alt text and anchors)."""
    return "".join(s.text if s.kind == "text" else " " for s in spans).strip()


@dataclass
class Heading:
    level: int
    text: Inline
    anchor: str
    kind: str = "heading"


@dataclass
class Para:
    text: Inline
    style: str = ""
    kind: str = "para"


@dataclass
class ListBlock:
    items: list[Inline] = field(default_factory=list)
    kind: str = "list"


@dataclass
class Table:
    style: str = ""
    widths: list[float] = field(default_factory=list)
    row_headers: bool = False
    caption: Inline = ()
    head: list[Inline] | None = None
    rows: list[list[Inline]] = field(default_factory=list)
    kind: str = "table"

    @property
    def columns(self) -> int:
        return len(self.head) if self.head else max((len(r) for r in self.rows), default=0)


@dataclass
class Figure:
    name: str
    caption: Inline
    kind: str = "figure"


@dataclass
class Toc:
    title: Inline
    kind: str = "toc"


@dataclass
class PageBreak:
    kind: str = "pagebreak"


Block = Heading | Para | ListBlock | Table | Figure | Toc | PageBreak


@dataclass
class Document:
    meta: dict[str, str]
    blocks: list[Block]

    @property
    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def label(self, key: str) -> str:
        try:
            return self.meta[key]
        except KeyError:
            raise OutputError(f"the DPIA template does not set '@meta {key}'") from None


_TAG = re.compile(r"\[(/?)(b|i|code|lv|nobr|br|blank)(?: ([a-z]+))?\]")
_PARA_STYLES = frozenset({"", "lead", "note", "warn", "small"})
_TABLE_STYLES = frozenset({"", "keyvalue", "compact", "signoff"})


def parse_inline(text: str) -> Inline:
    """Turn inline markup into spans; backslash escapes are taken literally."""
    spans: list[Span] = []
    buf: list[str] = []
    bold = italic = code = nobr = False
    level: str | None = None

    def flush() -> None:
        if buf:
            spans.append(Span("".join(buf), "text", bold, italic, code, level, nobr))
            buf.clear()

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "[":
            m = _TAG.match(text, i)
            if m is None:
                raise OutputError(f"the DPIA template has an unknown inline tag near: {text[i:i + 30]}")
            closing, tag, arg = m.group(1) == "/", m.group(2), m.group(3)
            flush()
            if tag in ("br", "blank"):
                spans.append(Span("", tag, bold, italic, code, level, nobr))  # type: ignore[arg-type]
            elif tag == "b":
                bold = not closing
            elif tag == "i":
                italic = not closing
            elif tag == "code":
                code = not closing
            elif tag == "nobr":
                nobr = not closing
            else:
                level = None if closing else arg
            i = m.end()
            continue
        buf.append(ch)
        i += 1
    flush()
    return tuple(spans)


def split_cells(text: str) -> list[str]:
    """Split a row on unescaped ``|``."""
    cells, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    cells.append("".join(buf).strip())
    return cells


_KEYWORDS = ("meta", "h1", "h2", "h3", "p", "li", "table", "caption", "th", "tr", "end", "figure", "toc",
             "pagebreak")
_BLOCK_START = re.compile(r"@(?:" + "|".join(_KEYWORDS) + r")(?=[ .\n]|$)")


def _logical_lines(source: str) -> list[str]:
    """One string per block: a block starts at every unescaped ``@keyword``.

    Template line breaks inside a block are spaces, so wording can be wrapped
    freely in the template; a block can also start mid-line after a ``{% endif %}``.
    """
    lines: list[str] = []
    buf: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\" and i + 1 < n:
            buf.append(source[i : i + 2])
            i += 2
            continue
        if ch == "@" and _BLOCK_START.match(source, i):
            lines.append("".join(buf))
            buf = []
        buf.append(" " if ch in "\r\n\t" else ch)
        i += 1
    lines.append("".join(buf))
    return [" ".join(line.split()) for line in lines if line.strip()]


def _anchor(text: str, seen: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in seen:
        anchor, n = f"{base}-{n}", n + 1
    seen.add(anchor)
    return anchor


def _options(words: list[str]) -> tuple[list[float], bool]:
    widths: list[float] = []
    row_heads = False
    for word in words:
        if word.startswith("widths="):
            widths = [float(w) for w in word[len("widths=") :].split(",")]
        elif word == "rowheads":
            row_heads = True
        else:
            raise OutputError(f"the DPIA template has an unknown table option '{word}'")
    return widths, row_heads


def parse(source: str) -> Document:  # noqa: C901 - one branch per block kind
    """Parse the markup written by the DPIA template."""
    meta: dict[str, str] = {}
    blocks: list[Block] = []
    table: Table | None = None
    anchors: set[str] = set()
    for line in _logical_lines(source):
        if not line.startswith("@"):
            raise OutputError(f"the DPIA template has text outside a block: {line[:40]}")
        word, _, rest = line[1:].partition(" ")
        name, _, style = word.partition(".")
        rest = rest.strip()
        if table is not None and name not in ("caption", "th", "tr", "end"):
            raise OutputError(f"the DPIA template leaves a table open before '@{word}'")
        if name == "meta":
            key, _, value = rest.partition(" ")
            meta[key] = plain(parse_inline(value))
        elif name in ("h1", "h2", "h3"):
            spans = parse_inline(rest)
            blocks.append(Heading(int(name[1]), spans, _anchor(plain(spans), anchors)))
        elif name == "p":
            if style not in _PARA_STYLES:
                raise OutputError(f"the DPIA template uses an unknown paragraph style '{style}'")
            blocks.append(Para(parse_inline(rest), style))
        elif name == "li":
            if not blocks or not isinstance(blocks[-1], ListBlock):
                blocks.append(ListBlock())
            last = blocks[-1]
            assert isinstance(last, ListBlock)
            last.items.append(parse_inline(rest))
        elif name == "table":
            if style not in _TABLE_STYLES:
                raise OutputError(f"the DPIA template uses an unknown table style '{style}'")
            widths, row_heads = _options(rest.split())
            table = Table(style=style, widths=widths, row_headers=row_heads)
        elif name == "caption":
            if table is None:
                raise OutputError("the DPIA template has '@caption' outside a table")
            table.caption = parse_inline(rest)
        elif name in ("th", "tr"):
            if table is None:
                raise OutputError(f"the DPIA template has '@{name}' outside a table")
            cells = [parse_inline(c) for c in split_cells(rest)]
            if name == "th":
                table.head = cells
            else:
                table.rows.append(cells)
        elif name == "end":
            if table is None:
                raise OutputError("the DPIA template has '@end' without a table")
            blocks.append(table)
            table = None
        elif name == "figure":
            fig, _, caption = rest.partition(" ")
            blocks.append(Figure(fig, parse_inline(caption)))
        elif name == "toc":
            blocks.append(Toc(parse_inline(rest)))
        elif name == "pagebreak":
            blocks.append(PageBreak())
        else:
            raise OutputError(f"the DPIA template uses an unknown block '@{word}'")
    if table is not None:
        raise OutputError("the DPIA template leaves a table open at the end")
    return Document(meta, blocks)
