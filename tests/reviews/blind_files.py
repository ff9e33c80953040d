"""Files with an identifying string in every hiding place a reviewer's download could carry it,
built in the test (pypdf, Pillow, zipfile, openpyxl), and the search for that string in every
byte form a file can hold it (UTF-8, UTF-16 either way, hex, PDF name escapes; inside zip
members and decoded PDF streams)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from grants.services.redaction import normalised

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


# -- images ----------------------------------------------------------------------------------------
def png(secret: str, size=(6, 4)) -> bytes:
    """A PNG with the secret in iTXt and tEXt chunks, a private chunk and after IEND."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", size, (200, 30, 30))
    info = PngInfo()
    info.add_itxt("Author", secret)
    info.add_text("Comment", secret.encode("utf-8").hex())
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    body = secret.encode("utf-8")
    chunk = struct.pack(">I", len(body)) + b"orGn" + body
    chunk += struct.pack(">I", zlib.crc32(b"orGn" + body) & 0xFFFFFFFF)
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + chunk + data[iend:] + body


def jpeg(secret: str, size=(8, 8)) -> bytes:
    """A JPEG with the secret in EXIF (Artist, UTF-8 and UTF-16 XP fields), a comment segment
    and bytes after the end-of-image marker."""
    from PIL import Image

    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = secret                               # Artist
    exif[0x9C9D] = secret.encode("utf-16-le") + b"\0\0"  # XPAuthor
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=secret.encode("utf-8"))
    return out.getvalue() + secret.encode("utf-8") + secret.encode("utf-16-le")


# -- PDF -------------------------------------------------------------------------------------------
def pdf(secret: str) -> bytes:
    """Two pages; the secret in the Info dictionary (standard, non-standard and name-escaped keys),
    XMP, an annotation (author and text), document JavaScript, OpenAction, an embedded file, page
    PieceInfo and a comment in the page's content stream. The visible text is neutral."""
    from pypdf import PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    writer = PdfWriter()
    for _ in range(2):
        page = writer.add_blank_page(200, 200)
        content = DecodedStreamObject()
        content.set_data(b"% " + secret.encode("utf-8") + b"\n0 0 m 100 100 l S\n")
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/PieceInfo")] = DictionaryObject(
            {NameObject("/Org"): DictionaryObject({NameObject("/Private"): TextStringObject(secret)})})
    writer.add_metadata({"/Author": secret, "/Title": secret + "申报书", "/Company": secret,
                         "/组织": secret})
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{secret}</dc:creator></x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    note = Text(rect=(10, 10, 60, 60), text=secret)
    note[NameObject("/T")] = TextStringObject(secret)
    writer.add_annotation(0, note)
    writer.add_attachment("organisation.txt", secret.encode("utf-8"))
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject(f"var organisation = '{secret}';")})
    names = writer._root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("org"), writer._add_object(script)])})
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(secret)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_info_in_object_stream(secret: str) -> bytes:
    """A PDF 1.5 whose Info dictionary lives inside a compressed object stream (xref stream)."""
    def utf16_hex(text):
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"

    info = b"<</Author " + utf16_hex(secret) + b" /Producer " + utf16_hex(secret + " WPS") + b">>"
    header = b"5 0 "
    objstm = zlib.compress(header + info)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    bodies = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
        4: b"<</Type/ObjStm/N 1/First " + str(len(header)).encode() + b"/Filter/FlateDecode/Length "
           + str(len(objstm)).encode() + b">>\nstream\n" + objstm + b"\nendstream",
    }
    for num, body in bodies.items():
        offsets[num] = out.tell()
        out.write(f"{num} 0 obj\n".encode() + body + b"\nendobj\n")
    offsets[6] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    rows += [struct.pack(">BIH", 1, offsets[n], 0) for n in (1, 2, 3, 4)]
    rows += [struct.pack(">BIH", 2, 4, 0), struct.pack(">BIH", 1, offsets[6], 0)]
    xref = b"".join(rows)
    out.write(b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Info 5 0 R/Length " + str(len(xref)).encode()
              + b">>\nstream\n" + xref + b"\nendstream\nendobj\n")
    out.write(f"startxref\n{offsets[6]}\n%%EOF\n".encode())
    return out.getvalue()


# -- Office ----------------------------------------------------------------------------------------
def _zip(parts: dict[str, bytes | str], comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
        z.comment = comment
    return out.getvalue()


def _props(secret: str) -> dict[str, str | bytes]:
    return {
        "docProps/core.xml": f'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                             f'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                             f"<dc:creator>{secret}</dc:creator><cp:lastModifiedBy>{secret}</cp:lastModifiedBy>"
                             f"<dc:title>{secret}</dc:title></cp:coreProperties>",
        "docProps/app.xml": f"<Properties><Company>{secret}</Company><Manager>{secret}</Manager></Properties>",
        "docProps/custom.xml": (f'<Properties><property name="org"><vt:lpwstr>{secret}</vt:lpwstr>'
                                '</property></Properties>'),
        "docProps/thumbnail.jpeg": jpeg(secret),
        "customXml/item1.xml": f"<org>{secret}</org>",
        "customXml/itemProps1.xml": '<ds:datastoreItem ds:itemID="{1}"/>',
        "customXml/_rels/item1.xml.rels": f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                                          f'Type="{REL}/customXmlProps" Target="itemProps1.xml"/></Relationships>',
    }


def _root_rels(main_type: str, main: str) -> str:
    return (f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/{main_type}" Target="{main}"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>'
            '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>')


def docx(secret: str, text: str = "项目申报书正文") -> bytes:
    """A DOCX with the secret in the document properties (core, app, custom, thumbnail), custom
    XML, comments (author, initials, text), people, tracked insertions and deletions (w:author),
    document variables, an embedded photo's EXIF and the zip comment."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W} {R_NS}><w:body>'
        f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:commentRangeStart w:id="0"/><w:r><w:t>{text}</w:t></w:r>'
        f'<w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
        f'<w:commentReference w:id="0"/></w:r>'
        f'<w:ins w:id="1" w:author="{secret}" w:date="2026-01-02T03:04:00Z"><w:r><w:t>新增内容</w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="{secret}" w:date="2026-01-02T03:04:00Z">'
        f'<w:r><w:delText>删除内容</w:delText></w:r></w:del>'
        f'</w:p><w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'r:embed="rId9"/></w:drawing></w:r></w:p></w:body></w:document>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="jpeg" ContentType="image/jpeg"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.comments+xml"/>'
            '<Override PartName="/word/people.xml" ContentType="application/vnd.ms-word.people+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.'
            'core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'extended-properties+xml"/>'
            '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'custom-properties+xml"/></Types>'),
        "_rels/.rels": _root_rels("officeDocument", "word/document.xml"),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/comments" Target="comments.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2011/relationships/people" '
            'Target="people.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/customXml" Target="../customXml/item1.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/settings" Target="settings.xml"/>'
            f'<Relationship Id="rId9" Type="{REL}/image" Target="media/image1.jpeg"/></Relationships>'),
        "word/comments.xml": (f'<w:comments {W}><w:comment w:id="0" w:author="{secret}" w:initials="{secret[:2]}">'
                              f"<w:p><w:r><w:t>{secret}的意见</w:t></w:r></w:p></w:comment></w:comments>"),
        "word/people.xml": (f'<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
                            f'<w15:person w15:author="{secret}"><w15:presenceInfo w15:providerId="AD" '
                            f'w15:userId="{secret}"/></w15:person></w15:people>'),
        "word/settings.xml": (f'<w:settings {W}><w:docVars><w:docVar w:name="org" w:val="{secret}"/></w:docVars>'
                              '<w:rsids><w:rsidRoot w:val="00A1B2C3"/></w:rsids></w:settings>'),
        "word/media/image1.jpeg": jpeg(secret),
    }
    parts.update(_props(secret))
    return _zip(parts, comment=secret.encode("utf-8"))


def xlsx(secret: str) -> bytes:
    """An XLSX (openpyxl) with the secret as a cell comment's author and text, in the document
    properties, custom XML, a persons part, the workbook's saved path and file-sharing user."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "预算"
    ws["A1"], ws["B1"] = "项目", 12345
    ws["A1"].comment = Comment(f"{secret}的批注", secret)
    wb.properties.creator = secret
    wb.properties.lastModifiedBy = secret
    wb.properties.title = secret
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    workbook = workbook.replace(
        "<workbookPr", f'<fileSharing userName="{secret}"/><mc:AlternateContent xmlns:mc="http://schemas.'
        f'openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath '
        f'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" url="D:\\{secret}\\预算\\"/>'
        f"</mc:Choice></mc:AlternateContent><workbookPr", 1)
    parts["xl/workbook.xml"] = workbook.encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", '<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2017/10/'
        'relationships/person" Target="persons/person.xml"/></Relationships>').encode()
    parts["xl/persons/person.xml"] = (f'<personList><person displayName="{secret}" id="{{1}}" userId="{secret}" '
                                      f'providerId="None"/></personList>').encode()
    parts.update({k: v for k, v in _props(secret).items() if k.startswith("customXml/")})
    return _zip(parts)


# -- searching ---------------------------------------------------------------------------------------
def byte_forms(value: str) -> list[bytes]:
    raw = value.encode("utf-8")
    forms = [raw, value.encode("utf-16-be"), value.encode("utf-16-le"),
             value.encode("utf-16-be").hex().encode(), value.encode("utf-16-be").hex().upper().encode(),
             raw.hex().encode(), raw.hex().upper().encode(), "".join(f"#{b:02X}" for b in raw).encode()]
    if not value.isascii():
        forms.append("".join(f"#{b:02x}" for b in raw).encode())
    return forms


def hiding_places(data: bytes, depth: int = 0) -> list[bytes]:
    """The file's bytes, and when it is a container, every member and decoded stream in it."""
    places = [data]
    if depth > 3:
        return places
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            places.append(archive.comment)
            for info in archive.infolist():
                places.append(info.comment + info.extra)
                places += hiding_places(archive.read(info), depth + 1)
    elif data[:5] == b"%PDF-":
        places += _pdf_streams(data)
    return places


def _pdf_streams(data: bytes) -> list[bytes]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import StreamObject

    reader = PdfReader(io.BytesIO(data))
    streams = []
    for num in range(1, int(reader.trailer.get("/Size", 0))):
        try:
            obj = reader.get_object(num)
        except (PyPdfError, KeyError, ValueError):  # a free or broken entry: nothing to read there
            continue
        if isinstance(obj, StreamObject):
            streams.append(obj.get_data())
        streams.append(repr(obj).encode("utf-8", "replace"))
    return streams


def leaks(data: bytes, secrets) -> list[str]:
    """Which secrets `data` still carries, in any byte form or spelling."""
    found = []
    places = hiding_places(data)
    for secret in secrets:
        forms = byte_forms(secret)
        needle = normalised(secret)
        for place in places:
            if any(form in place for form in forms) or any(
                    needle in normalised(place.decode(codec, "ignore"))
                    for codec in ("utf-8", "utf-16-le", "utf-16-be")):
                found.append(secret)
                break
    return found
