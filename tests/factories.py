"""create_x(...) factories: real rows through the models, committed."""
from __future__ import annotations

import itertools
from datetime import date

from grants import uscc
from grants.extensions import db
from grants.models import AnnualInspection, Membership, Organisation, User

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_uscc(n: int | None = None, prefix: str = "52") -> str:
    n = next(_seq) if n is None else n
    return uscc.make(f"{prefix}330400MJ{n:07d}"[:17])


def create_user(*roles, email=None, name=None, password=PASSWORD, active=True, affiliation=None, **extra) -> User:
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", name=name or f"用户{n}", active=active,
                affiliation=affiliation, **extra)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.commit()
    return user


def create_org(*, name=None, status="verified", grade=3, grade_assessed_on=date(2024, 1, 1),
               registration_date=date(2015, 1, 1), district="南湖区", org_type="social_service",
               inspections=((2024, "passed"), (2025, "passed")), blacklisted=False, **extra) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=name or f"测试社会组织{n}", uscc=extra.pop("uscc", None) or make_uscc(n), org_type=org_type,
        registration_date=registration_date, address=f"嘉兴市南湖区测试路{n}号", district=district,
        legal_representative="张三", contact_name="李四", contact_phone="0573-88888888",
        contact_email=f"org{n}@example.org", bank_name="中国银行嘉兴分行", bank_account=f"6217{n:012d}",
        status=status, grade=grade, grade_assessed_on=grade_assessed_on if grade else None,
        blacklisted=blacklisted, **extra,
    )
    db.session.add(org)
    db.session.flush()
    for year, result in inspections:
        db.session.add(AnnualInspection(organisation_id=org.id, year=year, result=result))
    db.session.commit()
    return org


def create_applicant(org: Organisation | None = None, **kwargs) -> User:
    org = org or create_org()
    user = create_user("applicant", **kwargs)
    db.session.add(Membership(user_id=user.id, organisation_id=org.id))
    db.session.commit()
    return user
