"""Small English helpers shared by the documents and the questionnaire (the questionnaire
may not import the render package, so they live at the bottom layer)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def join_and(items: Iterable[Any], last: str = "and") -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    words = [str(i) for i in items if str(i)]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


# Initialisms read letter by letter whose first letter is said with a vowel sound
# ("an NHS trust", "an ICB", "an MOU"), and words spelt with a vowel but said with a "y"
# or "w" sound ("a university", "a user", "a one-off").
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")
_CONSONANT_SOUND = re.compile(r"(uni|use|usu|eu|one\b|once\b)", re.IGNORECASE)
_SILENT_H = re.compile(r"(hour|honest|honour)", re.IGNORECASE)


def article(phrase: str) -> str:
    """'a' or 'an' for the phrase that follows it: 'an NHS trust', 'a university'."""
    word = phrase.strip().split(" ", 1)[0].strip("('\"")
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) >= 2 and letters.isupper():  # an initialism: NHS, ICB, GP, SFTP
        return "an" if letters[0] in _VOWEL_LETTERS else "a"
    if _SILENT_H.match(word):
        return "an"
    if word[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(word):
        return "an"
    return "a"


def with_article(phrase: str) -> str:
    """'NHS trust' -> 'an NHS trust'."""
    return f"{article(phrase)} {phrase}"
