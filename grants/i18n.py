"""Catalog checks: every message in the code has a zh_CN translation.

Messages are written in English in the code; each area keeps its zh_CN catalog in
grants/translations/<area>/zh_CN/LC_MESSAGES/messages.po (Flask-Babel merges them all).
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "_lp": ((1, "c"), 2)}


def key(msgid: str, context: str | None) -> str:
    """A message's identity: its id, and its context when it has one (gettext's own spelling)."""
    return f"{context}\x04{msgid}" if context else msgid


def extracted() -> dict[str, list[str]]:
    """msgid -> locations, from grants/ and templates/ (as babel.cfg maps them)."""
    found: dict[str, list[str]] = {}
    maps = [
        (ROOT / "grants", [("**.py", "python")]),
        (ROOT / "templates", [("**.html", "jinja2"), ("**.txt", "jinja2")]),
    ]
    for base, method_map in maps:
        for filename, lineno, message, _comments, context in extract_from_dir(
            str(base), method_map=method_map, keywords=KEYWORDS, strip_comment_tags=True
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids[:1]:
                if msgid:
                    found.setdefault(key(msgid, context), []).append(f"{base.name}/{filename}:{lineno}")
    return found


def catalogs(locale: str = "zh_CN"):
    for po in sorted((ROOT / "grants" / "translations").glob(f"*/{locale}/LC_MESSAGES/messages.po")):
        with po.open("rb") as fh:
            yield po, read_po(fh, locale=locale)


def translated_ids(locale: str = "zh_CN") -> set[str]:
    ids = set()
    for _po, catalog in catalogs(locale):
        for message in catalog:
            if message.id and message.string and not message.fuzzy:
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if all(strings):
                    ids.add(key(msgid, message.context))
    return ids


def missing(locale: str = "zh_CN") -> dict[str, list[str]]:
    done = translated_ids(locale)
    return {msgid: where for msgid, where in extracted().items() if msgid not in done}


if __name__ == "__main__":
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda kv: kv[1][0]):
        print(f"{where[0]}\t{msgid}")
    print(f"{len(gaps)} message(s) without a zh_CN translation")
