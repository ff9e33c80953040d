"""Blind review: what identifies the applying organisation never reaches a reviewer.

Redaction is a property of what is rendered for a (viewer, proposal) pair. `for_viewer(viewer,
proposal)` is the one place that decides it, from the proposal's call (blind or not) and the
viewer; everything shown to a reviewer — titles in the queue, the declaration page, the proposal
body, file names, file bytes, mail — asks the `Redaction` it returns. There is no lookup keyed by
organisation to get wrong.

Text masking works on normalised text: each character is NFKC-folded and case-folded, and
separators (spaces of every width, hyphens and dashes, dots, parentheses, slashes, "+", zero-width
and other format characters) are dropped, keeping a map from every normalised character back to its span
in the original. Identifiers are normalised the same way and searched for; each hit is mapped back
to the original span, which is replaced by one mask, so the rest of the text stays intact. The
identifiers of an organisation are its name (also without leading 省/市/区/县 parts), short name,
USCC, legal representative, contact person, phone (also without the area code), e-mail, bank
account and address (also without its leading administrative parts).

Files are rebuilt rather than blanked: images re-encoded from their pixels, PDFs rewritten with
their pages only, DOCX/XLSX packages rewritten without properties, comments, people, revision
authors or custom XML. What cannot be rebuilt safely raises `MetadataError` with the reason: such
a file is withheld from blind reviewers.
"""
from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from posixpath import dirname, join, normpath

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

from grants import permissions
from grants.services.files import ALLOWED_TYPES, DOCX, JPEG, PDF, PNG, XLSX

MASK = "▇▇▇"


class MetadataError(Exception):
    """The file could not be rebuilt without its identifying metadata; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# -- who sees what -------------------------------------------------------------------------------
def for_viewer(viewer, proposal) -> Redaction:
    """What `viewer` may see of `proposal`'s identity.

    In a blind call everything identifying the organisation is masked for anyone who could not
    see it otherwise — that is, anyone but programme staff and the organisation's own members
    (who read the same proposal unmasked on its own page). Outside blind calls nothing is masked.
    """
    blind = bool(proposal.call.blind_review) and not permissions.can_view_proposal(viewer, proposal)
    return Redaction(proposal, Masker(identifiers(proposal.organisation)) if blind else None)


@dataclass
class Redaction:
    """The proposal as one viewer may see it. `text()` masks; the rest are ready to render."""

    proposal: object
    masker: Masker | None = None

    @property
    def blind(self) -> bool:
        return self.masker is not None

    def text(self, value):
        if value is None or self.masker is None:
            return value
        return self.masker.mask(str(value))

    __call__ = text

    @property
    def title(self) -> str:
        return self.text(self.proposal.title)

    @property
    def organisation_name(self) -> str | None:
        """The organisation's name, or None when it is hidden from this viewer."""
        return None if self.blind else self.proposal.organisation.name

    @property
    def organisation_code(self) -> str | None:
        return None if self.blind else self.proposal.organisation.uscc

    def attachment_names(self) -> dict[int, str]:
        if self.blind:
            return {a.id: anonymous_name(i, a.content_type)
                    for i, a in enumerate(self.proposal.attachments, start=1)}
        from grants.services.files import sanitise_name

        # names stored before today's naming rule are cleaned again on the way out
        return {a.id: sanitise_name(a.original_name, a.content_type) for a in self.proposal.attachments}

    def file(self, data: bytes, content_type: str) -> bytes:
        """The bytes this viewer may download (rebuilt in a blind review; MetadataError if that
        cannot be done safely)."""
        return rebuild_file(data, content_type) if self.blind else data


def anonymous_name(n: int, content_type: str) -> str:
    return _("Attachment %(n)d", n=n) + "." + ALLOWED_TYPES.get(content_type, "bin")


# -- normalised text -----------------------------------------------------------------------------
_SEPARATORS = frozenset(
    "-‐‑‒–—―−﹘﹣－_＿.．。·・•‧∙()（）[]【】/／\\'\"`,，、+"
)


def _is_separator(ch: str) -> bool:
    return ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """(normalised text, for each of its characters the (start, end) span in `text`).

    A base character and the combining marks after it are folded together (NFKC, case folding,
    marks dropped: "ó" and "o\u0301" read as "o"); separators vanish."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        folded = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text[i:j]).casefold())
        for ch in folded:
            if not _is_separator(ch) and not unicodedata.combining(ch):   # accents do not hide a name
                out.append(ch)
                spans.append((i, j))
        i = j
    return "".join(out), spans


def normalised(text: str) -> str:
    return normalise(text)[0]


class Masker:
    """Masks every occurrence of the identifiers, in any spelling normalisation folds together."""

    def __init__(self, values):
        needles = {normalised(v) for v in values if v}
        self.needles = sorted((x for x in needles if len(x) >= 2), key=len, reverse=True)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Merged (start, end) spans of `text` that carry an identifier."""
        norm, spans = normalise(text)
        hits = []
        for needle in self.needles:
            start = norm.find(needle)
            while start >= 0:
                hits.append((spans[start][0], spans[start + len(needle) - 1][1]))
                start = norm.find(needle, start + 1)
        merged: list[tuple[int, int]] = []
        for a, b in sorted(hits):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return merged

    def mask(self, text: str) -> str:
        if not self.needles or not text:
            return text
        parts, last = [], 0
        for a, b in self.spans(text):
            parts += [text[last:a], MASK]
            last = b
        parts.append(text[last:])
        return "".join(parts)


# Leading administrative parts of a name or address: 浙江省 嘉兴市 南湖区 海盐县 …
_ADMIN_PREFIX = re.compile(r"^(?:[^\s省市区县]{2,6}?(?:自治区|自治州|特别行政区|省|市|区|县|旗))")
# Two-digit area codes (010, 02x); every other area code has three digits after the 0.
_SHORT_AREA_CODES = ("010", "020", "021", "022", "023", "024", "025", "026", "027", "028", "029")


def without_admin_prefixes(value: str) -> list[str]:
    """The value with one, two, … leading 省/市/区/县 parts removed, while something remains."""
    variants, rest = [], normalised(value)
    while True:
        match = _ADMIN_PREFIX.match(rest)
        if not match or match.group(0).endswith(("社区", "小区")) or len(rest) - match.end() < 3:
            return variants
        rest = rest[match.end():]
        variants.append(rest)


def phone_variants(value: str) -> list[str]:
    """A phone number as digits, and a landline also without its area code (and with 86)."""
    digits = "".join(ch for ch in normalised(value) if ch.isdigit())
    if len(digits) < 7:
        return [value]
    variants = [value, digits]
    if digits.startswith("0") and len(digits) >= 10:
        area = 3 if digits[:3] in _SHORT_AREA_CODES else 4
        variants += [digits[area:], "86" + digits[1:]]
    return variants


def identifiers(organisation) -> list[str]:
    """Everything that identifies the organisation in text, in the spellings to look for."""
    values = [organisation.name, getattr(organisation, "short_name", None), organisation.uscc,
              organisation.legal_representative, organisation.contact_name, organisation.contact_email,
              organisation.bank_account, organisation.address]
    values += without_admin_prefixes(organisation.name or "")
    values += without_admin_prefixes(organisation.address or "")
    if organisation.contact_phone:
        values += phone_variants(organisation.contact_phone)
    return [v for v in values if v]


# -- files ---------------------------------------------------------------------------------------
def rebuild_file(data: bytes, content_type: str) -> bytes:
    """The file rebuilt from its content only; MetadataError (with the reason) otherwise."""
    if content_type in (JPEG, PNG):
        return rebuild_image(data, content_type)
    if content_type == PDF:
        return rebuild_pdf(data)
    if content_type in (DOCX, XLSX):
        return rebuild_office(data)
    raise MetadataError(_("files of this type cannot be rebuilt"))


# images: re-encoded from the pixels, nothing else carried over (EXIF, XMP, ICC, text chunks,
# private chunks, bytes after the end marker all stay behind).
_IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def rebuild_image(data: bytes, content_type: str) -> bytes:
    fmt = _IMAGE_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as source:
                source.load()
                image = ImageOps.exif_transpose(source)  # keep the orientation the photo is seen in
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError):
        raise MetadataError(_("the image could not be read")) from None
    if fmt == "JPEG":
        mode = image.mode if image.mode in ("L", "RGB", "CMYK") else "RGB"
    else:
        mode = image.mode if image.mode in ("1", "L", "LA", "RGB", "RGBA", "I", "I;16") else "RGBA"
    if image.mode != mode:
        image = image.convert(mode)
    clean = Image.frombytes(mode, image.size, image.tobytes())   # pixels only: no info, no chunks
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=92)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


# PDF: a new document with the pages only. The catalog (outlines, names tree with JavaScript and
# embedded files, OpenAction, AcroForm, structure tree, XMP) is not copied; neither are the Info
# dictionary, annotations, or per-page/per-object metadata, private data and actions.
_PDF_DROP_KEYS = ("/Annots", "/Metadata", "/PieceInfo", "/AA", "/JS", "/JavaScript", "/OpenAction",
                  "/LastModified", "/Thumb", "/StructParents", "/StructParent", "/AF", "/EmbeddedFiles")


def _scrub_pdf(obj, seen: set[int]) -> None:
    if isinstance(obj, IndirectObject):
        key = obj.idnum
        if key in seen:
            return
        seen.add(key)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for name in _PDF_DROP_KEYS:
            if name in obj:
                del obj[name]
        for name, value in list(obj.items()):
            if name == "/Parent":
                continue
            _scrub_pdf(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _scrub_pdf(value, seen)


def rebuild_pdf(data: bytes) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise MetadataError(_("the PDF is encrypted"))
            pages = list(reader.pages)
            if not pages:
                raise MetadataError(_("the PDF has no pages"))
            seen: set[int] = set()
            for page in pages:      # cleaned in the reader, so what is dropped is never copied
                _scrub_pdf(page, seen)
            writer = PdfWriter()
            for page in pages:
                writer.add_page(page)
            for page in writer.pages:
                contents = page.get_contents()
                if contents is not None:   # parsed and written again: comments in it do not survive
                    stream = ContentStream(contents, writer)
                    stream.operations = list(stream.operations)   # serialised from the parsed operators
                    page.replace_contents(stream)
            writer.metadata = None
            writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
            out = io.BytesIO()
            writer.write(out)
    except MetadataError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise MetadataError(_("the PDF could not be read")) from None
    return out.getvalue()


# DOCX / XLSX: a new package without the parts that describe people, and with every author
# attribute and comment anchor removed from the rest.
_DROP_PARTS = re.compile(
    r"^(?:docProps/|customXml/|[^/]+/customXml/"
    r"|word/(?:comments[^/]*|people)\.xml$"
    r"|xl/(?:comments[^/]*(?:\.xml$|/)|threadedComments/|persons/|revisions/|printerSettings/)"
    r"|word/printerSettings/"
    r"|xl/drawings/[^/]*\.vml$)"
)
_DROP_REL_TYPES = re.compile(
    r"/(?:metadata/core-properties|extended-properties|custom-properties|metadata/thumbnail|comments"
    r"|commentsExtended|commentsIds|commentsExtensible|people|person|threadedComment|customXml"
    r"|revisionHeaders|usernames|printerSettings|attachedTemplate)\"?$"
)
_REL = re.compile(r"<Relationship\b[^>]*?/>", re.DOTALL)
_ATTR = re.compile(r'\b([\w:]+)="([^"]*)"')
_AUTHOR_ATTRS = re.compile(r'(\s\w+:(?:author|initials))="[^"]*"')      # required: kept, emptied
_TRACE_ATTRS = re.compile(r'\s\w+:(?:date|dateUtc|userId|providerId)="[^"]*"')  # optional: removed
_PERSON_ATTRS = re.compile(r'(\s(?:userName|author|lastModifiedBy|creator))="[^"]*"')
_COMMENT_ANCHORS = re.compile(
    r"<w:r\b[^>]*>(?:(?!</w:r>).)*?<w:commentReference\b[^>]*/>(?:(?!</w:r>).)*?</w:r>"
    r"|<w:comment(?:RangeStart|RangeEnd|Reference)\b[^>]*/>", re.DOTALL)
_REMOVE_ELEMENTS = re.compile(
    r"<mc:AlternateContent\b[^>]*>\s*<mc:Choice\b[^>]*>\s*<\w+:absPath\b[^>]*/>\s*</mc:Choice>\s*</mc:AlternateContent>"
    r"|<\w+:absPath\b[^>]*/>"
    r"|<(?:\w+:)?fileSharing\b[^>]*/>"
    r"|<w:docVars\b.*?</w:docVars>|<w:docVars\s*/>"
    r"|<w:attachedTemplate\b[^>]*/>"
    r"|<w:rsids\b.*?</w:rsids>", re.DOTALL)
_RSID_ATTRS = re.compile(r'\sw:rsid\w*="[^"]*"')


def _rels_source(rels_name: str) -> str:
    """The part a relationships file belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, name = rels_name.rsplit("/_rels/", 1) if "/_rels/" in rels_name else ("", rels_name[len("_rels/"):])
    return join(folder, name[: -len(".rels")])


def _target(rels_name: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return normpath(join(dirname(_rels_source(rels_name)), target))


def _clean_rels(name: str, xml: str, dropped: set[str]) -> tuple[str, set[str]]:
    removed: set[str] = set()

    def keep(match):
        attrs = dict(_ATTR.findall(match.group(0)))
        external = attrs.get("TargetMode") == "External"
        target = None if external else _target(name, attrs.get("Target", ""))
        if _DROP_REL_TYPES.search(attrs.get("Type", "")) or (target is not None and target in dropped):
            removed.add(attrs.get("Id", ""))
            return ""
        return match.group(0)

    return _REL.sub(keep, xml), removed


def _drop_rid_references(xml: str, removed_ids: set[str]) -> str:
    """Elements that only point at a removed relationship go; other r:id attributes pointing
    at one are removed."""
    for rid in removed_ids:
        if not rid:
            continue
        quoted = re.escape(rid)
        xml = re.sub(r"<(\w+:)?(?:legacyDrawing|legacyDrawingHF|attachedTemplate)\b[^>]*\br:id=\""
                     + quoted + r"\"[^>]*/>", "", xml)
        xml = re.sub(r"\sr:id=\"" + quoted + r"\"", "", xml)
    return xml


def _clean_content_types(xml: str, dropped: set[str]) -> str:
    def keep(match):
        part = dict(_ATTR.findall(match.group(0))).get("PartName", "").lstrip("/")
        return "" if part in dropped else match.group(0)

    return re.sub(r"<Override\b[^>]*/>", keep, xml)


def rebuild_office(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in source.infolist() if not i.is_dir()]
        names = {i.filename for i in infos}
        dropped = {n for n in names if _DROP_PARTS.match(n)}
        kept = [i for i in infos if i.filename not in dropped]
        binaries = [i.filename for i in kept if i.filename.lower().endswith((".bin", ".ole"))
                    or "/embeddings/" in i.filename]
        if binaries:
            raise MetadataError(_("the document contains embedded objects or macros"))
        contents = {i.filename: source.read(i) for i in kept}
    except MetadataError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, NotImplementedError, EOFError):
        raise MetadataError(_("the document could not be read")) from None

    removed_by_part: dict[str, set[str]] = {}
    for name in list(contents):
        if name.endswith(".rels"):
            xml = contents[name].decode("utf-8", "replace")
            xml, removed = _clean_rels(name, xml, dropped)
            contents[name] = xml.encode("utf-8")
            if removed:
                removed_by_part[_rels_source(name)] = removed
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in kept:
            name, content = info.filename, contents[info.filename]
            lower = name.lower()
            if name == "[Content_Types].xml":
                content = _clean_content_types(content.decode("utf-8", "replace"), dropped).encode("utf-8")
            elif lower.endswith((".xml", ".vml")) and not name.endswith(".rels"):
                xml = content.decode("utf-8", "replace")
                xml = _COMMENT_ANCHORS.sub("", xml)
                xml = _REMOVE_ELEMENTS.sub("", xml)
                xml = _AUTHOR_ATTRS.sub(r'\1=""', xml)
                xml = _TRACE_ATTRS.sub("", xml)
                xml = _PERSON_ATTRS.sub(r'\1=""', xml)
                xml = _RSID_ATTRS.sub("", xml)
                xml = _drop_rid_references(xml, removed_by_part.get(name, set()))
                content = xml.encode("utf-8")
            elif lower.endswith((".jpg", ".jpeg")):
                content = rebuild_image(content, JPEG)
            elif lower.endswith(".png"):
                content = rebuild_image(content, PNG)
            # a fresh entry: fixed time stamp, no extra fields, no comment
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()
