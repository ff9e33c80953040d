"""Blind review: keep what identifies the applying organisation away from reviewers.

- `Redactor(org).text(s)` masks the organisation's name, USCC, legal representative, contact
  person, phone, e-mail, bank account and address wherever they occur in free text.
- `anonymous_name(n, content_type)` gives attachments neutral names ("附件1.pdf").
- `strip_metadata(data, content_type)` removes identifying metadata from downloaded files:
  PDF Info dictionary values (/Author /Creator /Producer /Title /Subject /Keywords) and XMP
  metadata, rewritten IN PLACE with blanks of the same byte length so the cross-reference
  offsets stay valid (no new dependency); DOCX/XLSX core and app properties (creator, last
  modified by, company…); JPEG APP1 (EXIF/XMP) and comment segments; PNG text and eXIf chunks.
  A PDF whose Info dictionary cannot be reached in plain bytes (inside a compressed object
  stream) raises MetadataError: it is not served to a blind reviewer.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile

from flask_babel import gettext as _

MASK = "▇▇▇"


class MetadataError(Exception):
    """The file's metadata could not be removed safely."""


class Redactor:
    def __init__(self, organisation):
        values = [
            organisation.name, organisation.uscc, organisation.legal_representative, organisation.contact_name,
            organisation.contact_phone, organisation.contact_email, organisation.bank_account, organisation.address,
        ]
        needles = sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None

    def text(self, value):
        if value is None or self._pattern is None:
            return value
        return self._pattern.sub(MASK, str(value))


_EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}


def anonymous_name(n: int, content_type: str) -> str:
    return _("Attachment %(n)d", n=n) + "." + _EXT.get(content_type, "bin")


# -- PDF ----------------------------------------------------------------------------------------
_INFO_KEYS = rb"/(?:Author|Creator|Producer|Title|Subject|Keywords)"
_WS = rb"[\x00\t\n\x0c\r ]*"


def _blank_literal(data: bytearray, start: int) -> int:
    """Blank the literal string starting at data[start] == '(' (nested parentheses and
    escapes respected); returns the index after ')'."""
    depth, i = 0, start
    while i < len(data):
        ch = data[i]
        if ch == 0x5C:  # backslash: skip the escaped byte
            data[i] = 0x20
            if i + 1 < len(data):
                data[i + 1] = 0x20
            i += 2
            continue
        if ch == 0x28:
            depth += 1
            if i != start:
                data[i] = 0x20
        elif ch == 0x29:
            depth -= 1
            if depth == 0:
                return i + 1
            data[i] = 0x20
        else:
            data[i] = 0x20
        i += 1
    raise MetadataError("unterminated string")


def _strip_pdf(raw: bytes) -> bytes:
    data = bytearray(raw)
    for match in re.finditer(_INFO_KEYS + _WS, bytes(data)):
        pos = match.end()
        if pos >= len(data):
            break
        if data[pos] == 0x28:  # (literal)
            _blank_literal(data, pos)
        elif data[pos] == 0x3C and data[pos + 1:pos + 2] != b"<":  # <hex>
            end = data.index(b">", pos)
            data[pos + 1:end] = b" " * (end - pos - 1)
        # a reference (n 0 R) or a name is left: the referenced string object is blanked below
    # Indirect string objects referenced from an Info dictionary: "n 0 obj (..)" — blank every
    # string object that consists of a single string (Info values are the only ones in practice).
    for match in re.finditer(rb"\d+" + _WS + rb"\d+" + _WS + rb"obj" + _WS + rb"(?=[(<][^<])", bytes(data)):
        pos = match.end()
        if data[pos] == 0x28:
            _blank_literal(data, pos)
        else:
            end = data.index(b">", pos)
            data[pos + 1:end] = b" " * (end - pos - 1)
    # XMP metadata streams: blank the stream (and drop its filter, same length) so readers see
    # no metadata at all.
    for match in re.finditer(rb"/Type" + _WS + rb"/Metadata", bytes(data)):
        dict_start = data.rfind(b"<<", 0, match.start())
        stream_kw = data.find(b"stream", match.end())
        end_kw = data.find(b"endstream", stream_kw)
        if dict_start < 0 or stream_kw < 0 or end_kw < 0:
            continue
        header = bytes(data[dict_start:stream_kw])
        for f in re.finditer(rb"/Filter" + _WS + rb"(?:/\w+|\[[^\]]*\])", header):
            a, b = dict_start + f.start(), dict_start + f.end()
            data[a:b] = b" " * (b - a)
        body_start = stream_kw + len(b"stream")
        while body_start < end_kw and data[body_start] in (0x0D, 0x0A):
            body_start += 1
        data[body_start:end_kw] = b" " * (end_kw - body_start)
    result = bytes(data)
    # The Info dictionary must have been reachable in plain bytes.
    info = re.search(rb"/Info" + _WS + rb"(\d+)" + _WS + rb"(\d+)" + _WS + rb"R", result)
    if info:
        obj = re.search(info.group(1) + _WS + info.group(2) + _WS + rb"obj\b", result)
        if obj is None:
            raise MetadataError("Info dictionary inside a compressed object stream")
    return result


# -- Office (DOCX / XLSX) ---------------------------------------------------------------------
_CORE_TAGS = ("dc:creator", "cp:lastModifiedBy", "dc:title", "dc:subject", "cp:keywords", "dc:description",
              "cp:category")
_APP_TAGS = ("Company", "Manager")


def _blank_tags(xml: bytes, tags) -> bytes:
    for tag in tags:
        xml = re.sub(rb"<" + tag.encode() + rb"(\s[^>]*)?>.*?</" + tag.encode() + rb">",
                     b"<" + tag.encode() + rb"\1></" + tag.encode() + b">", xml, flags=re.S)
    return xml


def _strip_office(raw: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _blank_tags(content, _CORE_TAGS)
            elif info.filename == "docProps/app.xml":
                content = _blank_tags(content, _APP_TAGS)
            elif info.filename == "docProps/custom.xml":
                continue
            dst.writestr(info, content)
    return out.getvalue()


# -- images -------------------------------------------------------------------------------------
def _strip_jpeg(raw: bytes) -> bytes:
    if raw[:2] != b"\xff\xd8":
        raise MetadataError("not a JPEG")
    out, i = bytearray(raw[:2]), 2
    while i + 4 <= len(raw):
        if raw[i] != 0xFF:
            raise MetadataError("bad JPEG segment")
        marker = raw[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += raw[i:]
            return bytes(out)
        length = struct.unpack(">H", raw[i + 2:i + 4])[0]
        segment = raw[i:i + 2 + length]
        if not (marker == 0xE1 or marker == 0xFE or 0xE2 <= marker <= 0xEF and marker != 0xEE):
            out += segment  # keep APP0 (JFIF), APP14 (Adobe colour), tables, frames…
        i += 2 + length
    out += raw[i:]
    return bytes(out)


def _strip_png(raw: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if raw[:8] != signature:
        raise MetadataError("not a PNG")
    out, i = bytearray(signature), 8
    while i + 8 <= len(raw):
        length = struct.unpack(">I", raw[i:i + 4])[0]
        kind = raw[i + 4:i + 8]
        chunk = raw[i:i + 12 + length]
        if kind not in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"):
            out += chunk
        i += 12 + length
        if kind == b"IEND":
            break
    return bytes(out)


def strip_metadata(data: bytes, content_type: str) -> bytes:
    try:
        if content_type == "application/pdf":
            return _strip_pdf(data)
        if content_type in (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ):
            return _strip_office(data)
        if content_type == "image/jpeg":
            return _strip_jpeg(data)
        if content_type == "image/png":
            return _strip_png(data)
    except MetadataError:
        raise
    except (ValueError, IndexError, struct.error, zipfile.BadZipFile) as exc:
        raise MetadataError(str(exc)) from exc
    raise MetadataError(f"unknown type {content_type}")
