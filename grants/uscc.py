"""统一社会信用代码 (Unified Social Credit Code) per GB 32100-2015.

Decision: input is normalised before checking — surrounding spaces removed, full-width
characters folded (NFKC) and lower case turned to upper case — because people copy codes
from certificates and PDFs in every form. The stored code is always the upper-case form.
"""
from __future__ import annotations

from grants.text import fold

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FORBIDDEN = set("IOSVZ")
# Registration authority 5 = civil affairs (民政): 51 社会团体, 52 民办非企业单位, 53 基金会, 59 other.
CIVIL_AFFAIRS_PREFIXES = ("51", "52", "53", "59")


def normalise(code: str | None) -> str:
    return fold(code).replace(" ", "").upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def problem(code: str) -> str | None:
    """None when `code` (already normalised) is a valid USCC, else an English message id."""
    if len(code) != 18:
        return "A unified social credit code has exactly 18 characters."
    bad = sorted({c for c in code if c in FORBIDDEN})
    if bad:
        return "The letters I, O, S, V and Z never appear in a unified social credit code."
    if any(c not in ALPHABET for c in code):
        return "A unified social credit code contains only digits and capital letters."
    if check_character(code[:17]) != code[17]:
        return "The check character does not match: please copy the code again from the certificate."
    return None


def is_valid(code: str) -> bool:
    return problem(normalise(code)) is None


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used for demo data and tests)."""
    return first17 + check_character(first17)
