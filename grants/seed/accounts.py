"""Demo accounts detail: each demo organisation's 登记证书 scan (a small generated PNG) and its
first member as the organisation's admin. Idempotent."""
from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from grants.extensions import db
from grants.models import Membership
from grants.services import files


def certificate_png(name_ascii: str, uscc: str) -> bytes:
    """A small stand-in scan: a bordered card with the credit code (the default font has no CJK)."""
    image = Image.new("RGB", (480, 320), (252, 248, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 311), outline=(170, 30, 30), width=4)
    draw.text((40, 60), "CERTIFICATE OF REGISTRATION", fill=(170, 30, 30))
    draw.text((40, 110), name_ascii, fill=(20, 20, 20))
    draw.text((40, 150), f"USCC {uscc}", fill=(20, 20, 20))
    draw.text((40, 250), "Demo scan - Jiaxing Civil Affairs Bureau", fill=(90, 90, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def run(ctx: dict) -> None:
    for index, org in enumerate(ctx["organisations"], start=1):
        if org.certificate_file_id is None:
            stored = files.store(certificate_png(f"Demo organisation no. {index}", org.uscc), files.PNG)
            org.certificate_file_id = stored.id
            org.certificate_name = f"登记证书-{org.uscc}.png"
        first = db.session.scalar(select(Membership).where(Membership.organisation_id == org.id)
                                  .order_by(Membership.id).limit(1))
        if first is not None and not any(m.is_admin for m in org.memberships):
            first.is_admin = True
    db.session.commit()
