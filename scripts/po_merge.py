"""Add translations to an area's zh_CN catalog: python scripts/po_merge.py AREA file.py
(file.py defines a dict T = {msgid: msgstr}). Existing entries are updated, the rest kept."""
import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

area, source = sys.argv[1], sys.argv[2]
path = Path("grants/translations") / area / "zh_CN" / "LC_MESSAGES" / "messages.po"
path.parent.mkdir(parents=True, exist_ok=True)
if path.exists():
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
else:
    catalog = Catalog(locale="zh_CN", project="grants", domain="messages")
catalog.fuzzy = False  # a fuzzy header makes pybabel skip the whole catalog
for msgid, msgstr in runpy.run_path(source)["T"].items():
    catalog.add(msgid, msgstr)
with path.open("wb") as fh:
    write_po(fh, catalog, width=0, sort_output=True)
print(f"{path}: {len(catalog)} messages")
