"""Users for every role and twenty social organisations in 嘉兴 (valid USCCs, a mix of grades)."""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from grants import uscc
from grants.extensions import db
from grants.models import AnnualInspection, Membership, Organisation, User

DEMO_PASSWORD = "demo-password-2026"

STAFF_USERS = [
    ("admin@demo.jx.gov.cn", "系统管理员", ["admin"], None),
    ("staff@demo.jx.gov.cn", "王晓燕（社会组织管理处）", ["staff"], None),
    ("staff2@demo.jx.gov.cn", "陈建国（社会组织管理处）", ["staff"], None),
    ("finance@demo.jx.gov.cn", "李会计（计划财务处）", ["finance"], None),
    ("senior@demo.jx.gov.cn", "周处长（计划财务处）", ["finance", "finance_senior"], None),
]

REVIEWERS = [
    ("expert1@demo.jx.gov.cn", "张明华（嘉兴学院社会工作系）", "嘉兴学院"),
    ("expert2@demo.jx.gov.cn", "刘芳（注册会计师）", "嘉兴诚信会计师事务所"),
    ("expert3@demo.jx.gov.cn", "赵立新（社区治理研究）", "嘉兴市委党校"),
    ("expert4@demo.jx.gov.cn", "孙丽（资深社工督导）", "浙江省社会工作者协会"),
    ("expert5@demo.jx.gov.cn", "钱伟（公益项目评估）", "南湖区公益发展中心"),
    ("expert6@demo.jx.gov.cn", "吴静（养老服务专家）", "嘉兴市第一医院"),
    ("expert7@demo.jx.gov.cn", "郑浩（应急管理）", "嘉兴市应急救援协会"),
]

# name, type, registration date, district, legal representative, grade, assessed on
ORGANISATIONS = [
    ("嘉兴市阳光家庭社工事务所", "social_service", date(2014, 6, 12), "南湖区", "沈丽萍", 5, date(2023, 5, 10)),
    ("嘉兴市孝慈社会创新发展中心", "social_service", date(2016, 3, 2), "南湖区", "朱晓明", 4, date(2022, 11, 3)),
    ("嘉兴市南湖区建筑行业协会", "social_group", date(2009, 9, 18), "南湖区", "徐国强", 3, date(2021, 6, 1)),
    ("嘉兴市福建商会", "social_group", date(2011, 4, 26), "秀洲区", "林志坚", 4, date(2024, 4, 20)),
    ("嘉兴市女企业家协会", "social_group", date(2005, 3, 8), "南湖区", "陆美华", 5, date(2020, 9, 15)),
    ("平湖市南河头社区社会组织联合会", "social_group", date(2018, 7, 1), "平湖市", "顾建平", 3, date(2023, 8, 8)),
    ("嘉兴市平安志愿者服务中心", "social_service", date(2017, 10, 9), "秀洲区", "冯涛", 3, date(2019, 10, 1)),
    ("海宁市红臂章应急救援队", "social_service", date(2015, 5, 20), "海宁市", "蒋卫东", 4, date(2024, 1, 12)),
    ("桐乡市乌镇管家志愿服务社", "social_service", date(2019, 2, 14), "桐乡市", "沈建华", 2, date(2024, 6, 30)),
    ("嘉善县善卫士公益服务中心", "social_service", date(2020, 8, 3), "嘉善县", "钟敏", 0, None),
    ("嘉兴市慈善基金会", "foundation", date(2008, 12, 1), "南湖区", "胡振华", 5, date(2022, 3, 18)),
    ("嘉兴市青少年发展基金会", "foundation", date(2012, 6, 1), "南湖区", "许静", 4, date(2021, 12, 9)),
    ("秀洲区助残服务中心", "social_service", date(2016, 11, 11), "秀洲区", "马俊", 3, date(2022, 7, 7)),
    ("海盐县老年协会", "social_group", date(2003, 4, 4), "海盐县", "潘志高", 3, date(2018, 4, 20)),
    ("南湖区长者照护服务中心", "social_service", date(2018, 9, 9), "南湖区", "戴红梅", 4, date(2023, 9, 30)),
    ("平湖市心理健康服务协会", "social_group", date(2013, 1, 21), "平湖市", "韩雪", 2, date(2020, 1, 10)),
    ("桐乡市社区发展促进会", "social_group", date(2021, 5, 5), "桐乡市", "杨帆", 0, None),
    ("嘉兴市环境保护志愿者协会", "social_group", date(2010, 6, 5), "秀洲区", "曹阳", 3, date(2024, 11, 2)),
    ("海宁市阳光助学服务中心", "social_service", date(2017, 3, 15), "海宁市", "彭丽", 3, date(2021, 3, 3)),
    ("嘉善县社区睦邻服务中心", "social_service", date(2025, 10, 20), "嘉善县", "陶然", 0, None),
]

TYPE_PREFIX = {"social_group": "51", "social_service": "52", "foundation": "53"}


def demo_uscc(index: int, org_type: str) -> str:
    # 5 (civil affairs) + 1/2/3 (type) + 330400 (嘉兴) + 9-character organisation code + check.
    body = f"{TYPE_PREFIX[org_type]}330400{'MJ' + str(100000 + index * 7919)[-6:]}X"
    return uscc.make(body[:17])


def _user(email, name, roles, affiliation=None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, affiliation=affiliation)
        user.set_password(current_app.config.get("DEMO_PASSWORD", DEMO_PASSWORD))
        user.set_roles(roles)
        db.session.add(user)
    return user


def run(ctx: dict) -> None:
    users = {}
    for email, name, roles, affiliation in STAFF_USERS:
        users[email] = _user(email, name, roles, affiliation)
        ctx["logins"].append((roles[-1], email))
    reviewers = []
    for email, name, affiliation in REVIEWERS:
        reviewers.append(_user(email, name, ["reviewer"], affiliation))
    ctx["logins"].append(("reviewer", REVIEWERS[0][0] + " … expert7@demo.jx.gov.cn"))

    organisations = []
    for i, (name, org_type, reg, district, rep, grade, assessed) in enumerate(ORGANISATIONS, start=1):
        code = demo_uscc(i, org_type)
        org = db.session.scalar(select(Organisation).where(Organisation.uscc == code))
        if org is None:
            org = Organisation(
                name=name, uscc=code, org_type=org_type, registration_date=reg,
                address=f"浙江省嘉兴市{district}中山路{100 + i}号", district=district,
                legal_representative=rep, contact_name=rep, contact_phone=f"0573-8{3950000 + i * 37:07d}",
                contact_email=f"org{i}@demo.org.cn", bank_name="中国工商银行嘉兴分行",
                bank_account=f"1204 0600 0920 {1000 + i:04d} {200 + i:03d}",
                service_areas="社区服务、志愿服务、社会工作",
                status="verified" if i != 20 else "pending",
                grade=grade, grade_assessed_on=assessed,
            )
            db.session.add(org)
            db.session.flush()
            for year in (2024, 2025):
                result = "failed" if (i == 16 and year == 2025) else "passed"
                db.session.add(AnnualInspection(organisation_id=org.id, year=year, result=result))
            applicant = _user(f"org{i}@demo.org.cn", f"{rep}（{name}）", ["applicant"])
            db.session.flush()
            db.session.add(Membership(user_id=applicant.id, organisation_id=org.id))
        organisations.append(org)
    ctx["logins"].append(("applicant", "org1@demo.org.cn … org20@demo.org.cn"))
    db.session.commit()
    ctx.update(users=users, reviewers=reviewers, organisations=organisations)
