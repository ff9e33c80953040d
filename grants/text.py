"""Folding what people type: the one place text is NFKC-normalised and trimmed.

Chinese input methods produce full-width digits, letters and signs (１２３, ￥, ，, ％); NFKC
folds them to their ASCII forms so every parser (money, codes, numbers, dates) sees one shape.
"""
from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Full-width characters folded to ASCII (NFKC), surrounding white space removed."""
    return unicodedata.normalize("NFKC", text or "").strip()
