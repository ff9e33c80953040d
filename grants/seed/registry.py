"""Emergency capability declarations for 32 demo organisations (the twenty of the core step and
twelve emergency-minded ones added here): varied capabilities, districts, sizes; a few not
confirmed for more than a year, so staleness and the yearly reminder show."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from grants.extensions import db
from grants.labels import CAPABILITY_TYPES, DISTRICTS
from grants.models import (
    AnnualInspection,
    CapabilityDeclaration,
    DeclaredCapability,
    DeclaredDistrict,
    Membership,
    Organisation,
)
from grants.seed.core import _user, demo_uscc
from grants.timeutil import now_utc

# name, type, registration date, district, legal representative, grade, assessed on (USCC index 101…)
MORE_ORGANISATIONS = [
    ("嘉兴市蓝天救援队", "social_service", date(2013, 8, 1), "南湖区", "王海峰", 4, date(2023, 3, 3)),
    ("海盐县心语心理援助中心", "social_service", date(2016, 5, 12), "海盐县", "李婉清", 3, date(2022, 10, 8)),
    ("嘉善县应急志愿者协会", "social_group", date(2012, 9, 9), "嘉善县", "顾卫国", 3, date(2024, 2, 2)),
    ("平湖市红十字救护培训中心", "social_service", date(2011, 3, 23), "平湖市", "周晓东", 4, date(2021, 12, 1)),
    ("桐乡市邻里守望互助社", "social_service", date(2019, 6, 6), "桐乡市", "沈美玲", 2, date(2023, 6, 6)),
    ("海宁市物资保障志愿服务队", "social_service", date(2018, 4, 15), "海宁市", "钱永刚", 3, date(2024, 5, 20)),
    ("秀洲区社区卫生志愿服务中心", "social_service", date(2017, 7, 7), "秀洲区", "陈雅琴", 3, date(2022, 9, 9)),
    ("嘉兴市物流行业协会", "social_group", date(2008, 11, 11), "南湖区", "吴志明", 4, date(2020, 11, 30)),
    ("南湖区长水街道社会组织服务中心", "social_service", date(2020, 1, 15), "南湖区", "许丽华", 2, date(2024, 8, 8)),
    ("嘉兴市爱心驿站公益基金会", "foundation", date(2015, 10, 10), "南湖区", "朱建新", 4, date(2023, 1, 18)),
    ("海宁市潮乡水上救援队", "social_service", date(2014, 6, 18), "海宁市", "褚国庆", 3, date(2021, 7, 1)),
    ("桐乡市乌镇社工服务中心", "social_service", date(2016, 2, 29), "桐乡市", "费晓燕", 3, date(2024, 3, 15)),
]
FIRST_EXTRA = 101
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田"
EQUIPMENT = ("冲锋舟2艘，救生衣60件，发电机1台", "应急车辆3辆，帐篷20顶", "急救包50套，AED 2台",
             "对讲机30部，照明设备10套", "冷链配送车1辆，仓库约200平方米", "")


def _more_organisations(ctx) -> list[Organisation]:
    made = []
    for k, (name, org_type, reg, district, rep, grade, assessed) in enumerate(MORE_ORGANISATIONS):
        i = FIRST_EXTRA + k
        code = demo_uscc(i, org_type)
        org = db.session.scalar(select(Organisation).where(Organisation.uscc == code))
        if org is None:
            org = Organisation(
                name=name, uscc=code, org_type=org_type, registration_date=reg,
                address=f"浙江省嘉兴市{district}人民路{200 + k}号", district=district, legal_representative=rep,
                contact_name=rep, contact_phone=f"0573-8{4100000 + k * 53:07d}", contact_email=f"org{i}@demo.org.cn",
                bank_name="中国农业银行嘉兴分行", bank_account=f"1903 0100 0400 {2000 + k:04d} {300 + k:03d}",
                service_areas="应急救援、志愿服务、社区服务", status="verified", grade=grade, grade_assessed_on=assessed)
            db.session.add(org)
            db.session.flush()
            for year in (2024, 2025):
                db.session.add(AnnualInspection(organisation_id=org.id, year=year, result="passed"))
            applicant = _user(f"org{i}@demo.org.cn", f"{rep}（{name}）", ["applicant"])
            db.session.flush()
            db.session.add(Membership(user_id=applicant.id, organisation_id=org.id))
        made.append(org)
    return made


def run(ctx: dict) -> None:
    organisations = list(ctx["organisations"]) + _more_organisations(ctx)
    now = now_utc()
    for n, org in enumerate(organisations):
        if db.session.scalar(select(CapabilityDeclaration.id).where(CapabilityDeclaration.organisation_id == org.id)):
            continue
        # Varied but repeatable: two or three capabilities and one to three districts per organisation.
        caps = sorted({CAPABILITY_TYPES[(n * 3) % 8], CAPABILITY_TYPES[(n * 5 + 1) % 8]}
                      | ({CAPABILITY_TYPES[(n + 4) % 9]} if n % 3 == 0 else set()))
        home = org.district if org.district in DISTRICTS else DISTRICTS[n % len(DISTRICTS)]
        districts = sorted({home} | {DISTRICTS[(n * 2 + j) % len(DISTRICTS)] for j in range(n % 3)})
        people = 6 + (n * 7) % 45
        counsellors = 2 if "counselling" in caps else 0
        medical = 3 if "medical" in caps else 0
        social = max(0, min(people - counsellors - medical, n % 5))
        stale = n % 7 == 3
        contact = f"{SURNAMES[n % len(SURNAMES)]}{'志强建华丽娟海燕'[n % 4 * 2:n % 4 * 2 + 2]}"
        db.session.add(CapabilityDeclaration(
            organisation_id=org.id, people_available=people, volunteers_available=(n * 37) % 300,
            counsellors=counsellors, social_workers=social, medical_staff=medical, other_certified=0,
            certified_note="持证人员名单可随时提供。" if counsellors or medical else "",
            equipment=EQUIPMENT[n % len(EQUIPMENT)], contact_name=contact,
            contact_phone=f"139{5730000 + n * 113:08d}",
            confirmed_at=now - timedelta(days=400 + n if stale else 5 + n * 9),
            capability_rows=[DeclaredCapability(capability=c) for c in caps],
            district_rows=[DeclaredDistrict(district=d) for d in districts]))
    db.session.commit()
    ctx["logins"].append(("applicant", f"org{FIRST_EXTRA}@demo.org.cn … org{FIRST_EXTRA + len(MORE_ORGANISATIONS) - 1}"
                                       "@demo.org.cn (emergency capability registry)"))
