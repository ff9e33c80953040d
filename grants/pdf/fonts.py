"""The prepared contract font: a GB2312 subset of Noto Serif CJK SC with TrueType outlines.

WeasyPrint spends seconds per document subsetting the 26 MB CFF collection that Debian's
fonts-noto-cjk installs. `flask fonts build` does the expensive part once: it takes the SC face
of the system's Noto Serif CJK (Regular and Bold), keeps the characters contracts are written
in (all of GB2312, ASCII and Latin-1, CJK and full-width punctuation, ¥, 〇 and the 大写
digits), converts the cubic CFF outlines to quadratic TrueType outlines (which WeasyPrint
subsets and embeds quickly), renames the family so it never shadows the system font, and
writes the result to instance/fonts/. The PDF style sheet names the prepared family first and
the full system family second, so a character outside the subset (堃, 𠮷) still prints.
"""
from __future__ import annotations

import fcntl
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, TTLibError, newTable

SYSTEM_FAMILY = "Noto Serif CJK SC"
PREPARED_FAMILY = "Grants Serif SC"
SYSTEM_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# style -> (system collection file, CSS font-weight)
STYLES = {
    "Regular": ("NotoSerifCJK-Regular.ttc", 400),
    "Bold": ("NotoSerifCJK-Bold.ttc", 700),
}
# Largest distance (in font units, 1000 per em) allowed between a cubic curve and the
# quadratic curves replacing it: invisible at any print size.
MAX_ERR = 1.0
# Bumped whenever the build changes what it produces, so existing prepared fonts are rebuilt.
BUILD_VERSION = 2
DAXIE = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整圆〇"


class FontBuildError(Exception):
    """The system font is missing or unusable (the message says what to install)."""


@dataclass(frozen=True)
class Built:
    style: str
    path: Path
    rebuilt: bool


def prepared_name(style: str) -> str:
    return f"GrantsSerifSC-{style}.ttf"


def charset() -> set[int]:
    """The code points the prepared font covers."""
    points: set[int] = set()
    # Every character of GB2312: rows 0xA1-0xF7, cells 0xA1-0xFE (unassigned pairs skipped).
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                text = bytes((row, cell)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            points.update(ord(ch) for ch in text)
    points.update(range(0x20, 0x7F))        # ASCII
    points.update(range(0xA0, 0x100))       # Latin-1 (¥ § ° ± × ÷ ·)
    points.update(range(0x2000, 0x2070))    # general punctuation: — ‘’ “” … ‰ ※
    points.update(range(0x3000, 0x3040))    # CJK symbols and punctuation: 、。〈〉《》「」【】〇
    points.update(range(0xFF00, 0xFFF0))    # full-width forms: ，：；！？（）￥
    points.update(ord(ch) for ch in DAXIE)
    points.update((0x2116, 0x2103, 0x25A1, 0x25CB, 0x221A))  # № ℃ □ ○ √
    return points


def _find_face(collection_path: Path, family: str, style: str) -> int:
    collection = TTCollection(str(collection_path), lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            names = face["name"]
            if names.getDebugName(1) == family and names.getDebugName(2) == style:
                return index
    finally:
        collection.close()
    raise FontBuildError(f"{collection_path} has no face named {family!r} {style}")


def _to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf outlines (the otf2ttf approach)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        # PostScript contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and nothing reads them
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"


def _unique_id(style: str) -> str:
    return f"{PREPARED_FAMILY.replace(' ', '')}-{style};prepared-v{BUILD_VERSION}"


def _up_to_date(target: Path, source: Path, style: str) -> bool:
    """True when `target` was built by this version of the build from the current `source`."""
    if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
        return False
    try:
        with target.open("rb") as fh:
            return TTFont(fh, lazy=True)["name"].getDebugName(3) == _unique_id(style)
    except (TTLibError, OSError, struct.error, KeyError, ValueError, AssertionError, IndexError):
        return False  # a truncated or foreign file: rebuild it


def _rename(font: TTFont, style: str) -> None:
    names = font["name"]
    ps_name = f"{PREPARED_FAMILY.replace(' ', '')}-{style}"
    full = f"{PREPARED_FAMILY} {style}"
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, PREPARED_FAMILY), (2, style), (3, _unique_id(style)),
                           (4, full), (6, ps_name)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)


def build_one(source: Path, style: str, target: Path) -> None:
    """Subset, convert and rename one style of the system font into `target`."""
    index = _find_face(source, SYSTEM_FAMILY, style)
    font = TTFont(str(source), fontNumber=index, lazy=False)
    options = Options()
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    # Only kerning (for the proportional Latin): keeping the OpenType substitutions would pull
    # in ~6,000 alternate glyphs (vertical forms, width and locale variants) that horizontal
    # Chinese text never uses, doubling the file and the time WeasyPrint spends loading it.
    options.layout_features = ["kern"]
    options.drop_tables += ["VORG", "vhea", "vmtx", "DSIG", "BASE", "GSUB"]
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)
    _to_truetype(font)
    _rename(font, style)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: a reader (or a second builder) never sees half a file.
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".building-", suffix=".ttf")
    os.close(handle)
    try:
        font.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(font_dir: Path, system_dir: Path = SYSTEM_FONT_DIR, force: bool = False) -> list[Built]:
    """Build every style into `font_dir`; skip a style already built by this BUILD_VERSION
    and newer than its source.

    A lock file serialises concurrent builders (two test workers, two set-ups): the second
    waits, then finds the fonts up to date.
    """
    font_dir = Path(font_dir)
    font_dir.mkdir(parents=True, exist_ok=True)
    with open(font_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(font_dir, Path(system_dir), force)


def _build_locked(font_dir: Path, system_dir: Path, force: bool) -> list[Built]:
    results = []
    for style, (filename, _weight) in STYLES.items():
        source = system_dir / filename
        if not source.is_file():
            raise FontBuildError(
                f"the system font {source} is missing; install it with: "
                "sudo apt-get install fonts-noto-cjk")
        target = font_dir / prepared_name(style)
        if not force and _up_to_date(target, source, style):
            results.append(Built(style, target, False))
            continue
        build_one(source, style, target)
        results.append(Built(style, target, True))
    return results
