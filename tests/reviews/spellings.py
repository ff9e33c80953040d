"""Spellings of identifiers the way applicants actually type them, for the blind-review tests:
separators (spaces of every width, hyphens, dots, zero-width characters) between characters,
full-width letters and digits, changed case, accents on letters. Used as hypothesis strategies by the property
tests and with a seeded random generator by the leak sweep."""
from __future__ import annotations

import random

from hypothesis import strategies as st

SEPARATORS = (" ", "\u3000", "-", "－", "‐", "—", ".", "．", "·", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
              "\t", "  ")


def fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


def spell(value: str, choices) -> str:
    """`value` spelled with `choices(kind, options)` deciding each variation."""
    out = []
    for i, ch in enumerate(value):
        if ch.isascii() and ch.isalpha() and choices("case", (False, True)):
            ch = ch.swapcase()
        accent = ch.isascii() and ch.isalpha() and choices("accent", (False, False, False, True))
        if choices("width", (False, True)):
            ch = fullwidth(ch)
        out.append(ch + ("\u0301" if accent else ""))
        if i < len(value) - 1 and choices("gap", (False, False, False, True)):
            out.append(choices("separator", SEPARATORS))
    return "".join(out)


@st.composite
def spellings(draw, value: str):
    return spell(value, lambda kind, options: draw(st.sampled_from(options)))


def random_spelling(value: str, rng: random.Random) -> str:
    return spell(value, lambda kind, options: rng.choice(options))


def grouped(digits: str, size: int, separator: str = " ") -> str:
    return separator.join(digits[i:i + size] for i in range(0, len(digits), size))
