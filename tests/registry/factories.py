"""create_declaration(...): an organisation's emergency capability declaration, committed."""
from __future__ import annotations

from datetime import datetime

from grants.extensions import db
from grants.models import CapabilityDeclaration, DeclaredCapability, DeclaredDistrict
from grants.timeutil import now_utc


def create_declaration(org, *, capabilities=("rescue",), districts=("南湖区",), people=10, volunteers=20,
                       counsellors=0, social_workers=0, medical_staff=0, other_certified=0, equipment="冲锋舟2艘",
                       contact_name="值班员", contact_phone="13800001234", confirmed_at: datetime | None = None,
                       reminded_at: datetime | None = None) -> CapabilityDeclaration:
    declaration = CapabilityDeclaration(
        organisation_id=org.id, people_available=people, volunteers_available=volunteers, counsellors=counsellors,
        social_workers=social_workers, medical_staff=medical_staff, other_certified=other_certified,
        certified_note="", equipment=equipment, contact_name=contact_name, contact_phone=contact_phone,
        confirmed_at=confirmed_at or now_utc(), reminded_at=reminded_at,
        capability_rows=[DeclaredCapability(capability=c) for c in capabilities],
        district_rows=[DeclaredDistrict(district=d) for d in districts])
    db.session.add(declaration)
    db.session.commit()
    return declaration


def declaration_data(**overrides) -> dict:
    """What the declaration form hands the service."""
    data = {"capabilities": ["rescue", "counselling"], "districts": ["南湖区", "秀洲区"], "people_available": 12,
            "volunteers_available": 80, "counsellors": 3, "social_workers": 4, "medical_staff": 1,
            "other_certified": 0, "certified_note": "国家二级心理咨询师3名", "equipment": "冲锋舟2艘，发电机1台",
            "contact_name": "蒋卫东", "contact_phone": "13905730001"}
    data.update(overrides)
    return data
