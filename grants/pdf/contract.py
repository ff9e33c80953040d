"""The 政府购买服务合同 (government service-purchase contract): its data and its rendering.

The contract is printed from one plain dict (`ContractData`); the award and contract services
build it from the award, the organisation, the proposal, the call and the bureau's settings,
and `demo_contract_data()` builds a realistic one for tests and the bench. Only plain values
(dict, list, str, int, Decimal, bool) go in, so the same dict can feed the clause sandbox.

Shape (every key required; strings unless noted)::

    number              contract number, e.g. "JXGY-2026-0001"
    version             int, 1 for the first generated PDF, +1 on each regeneration
    verification_code   e.g. "7KQ3-M9XD-2PFA" (see new_verification_code)
    base_url            the public site address; the QR code points to <base_url>/verify/<code>
    project             {"name", "call_title", "category", "location", "beneficiaries"}
    buyer   (甲方)      {"name", "uscc", "address", "representative", "contact", "phone"}
    supplier (乙方)     {"name", "uscc", "legal_representative", "address", "contact", "phone",
                         "bank", "account_name", "account"}
    service             {"content": [paragraph, …], "kpis": [{"name", "target", "unit",
                         "standard"}, …]}
    term                {"start", "end", "months" (int)}   dates already written out
                         ("2026年5月1日")
    amount              Decimal, the contract price in yuan (two decimals)
    tranches            [{"percentage" (int), "condition"}, …]  percentages add up to 100
    signing             {"place", "date", "copies" (int), "copies_each" (int)}
    clauses             [{"key", "heading", "text"}, …]  staff-editable Jinja texts (run in the
                         sandbox; DEFAULT_CLAUSES when the call has not edited them)

`contract_context(data)` derives what the template prints — price in figures and 大写, the
tranche amounts (exact: remainder fen in the last tranche), clause texts rendered in the
sandbox, the QR code as inline SVG — and `render_contract(data)` returns the PDF bytes.
"""
from __future__ import annotations

import secrets
from decimal import Decimal
from typing import TypedDict

import segno

from grants.money import daxie, format_yuan, quantize, split_by_percentages
from grants.pdf import chinese_number, render
from grants.pdf.sandbox import plain, render_clause, validate_clause

# Crockford-style: no 0/O, 1/I/L, so a code read off paper is typed back correctly.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class Party(TypedDict, total=False):
    name: str
    uscc: str
    address: str
    representative: str
    legal_representative: str
    contact: str
    phone: str
    bank: str
    account_name: str
    account: str


class Clause(TypedDict):
    key: str
    heading: str
    text: str


class ContractData(TypedDict):
    number: str
    version: int
    verification_code: str
    base_url: str
    project: dict
    buyer: Party
    supplier: Party
    service: dict
    term: dict
    amount: Decimal
    tranches: list[dict]
    signing: dict
    clauses: list[Clause]


DEFAULT_CLAUSES: list[Clause] = [
    {"key": "buyer_duties", "heading": "甲方的权利和义务", "text": (
        "（一）甲方有权对乙方的服务过程、服务质量和资金使用情况进行监督检查，有权要求乙方"
        "提供与本项目有关的资料。\n"
        "（二）甲方应当按照本合同约定及时、足额支付服务费用，并为乙方开展服务提供必要的"
        "协调和便利。\n"
        "（三）甲方应当组织或委托第三方对项目进行中期评估和末期验收，并将结果书面告知乙方。\n"
        "（四）甲方不得干预乙方依法独立开展服务，不得向乙方转嫁本合同约定以外的工作任务。")},
    {"key": "supplier_duties", "heading": "乙方的权利和义务", "text": (
        "（一）乙方应当按照本合同及项目申报书确定的服务内容、数量和质量标准，组织专业人员"
        "在{{ project.location }}开展服务，不得转包；确需分包的，应事先征得甲方书面同意。\n"
        "（二）乙方应当建立服务台账，如实记录服务对象、服务时间、服务内容和服务成效，"
        "于每季度结束后10个工作日内向甲方报送工作进展。\n"
        "（三）乙方应当保障服务对象的合法权益，为提供服务的人员购买必要的意外伤害保险。\n"
        "（四）乙方有权按照本合同约定获得服务费用，有权拒绝甲方提出的本合同约定以外的要求。")},
    {"key": "performance", "heading": "绩效目标与验收", "text": (
        "（一）本项目的绩效目标以第二条所列服务数量和质量标准为准，{{ supplier.name }}"
        "应于{{ term.end }}前全部完成。\n"
        "（二）项目实施满六个月时，甲方组织中期评估；评估合格的，支付第二期服务费用；"
        "评估不合格的，乙方应在30日内整改，整改后仍不合格的，甲方有权暂停拨付并解除合同。"
        "未按时提交中期报告的，视为评估不合格。\n"
        "（三）服务期满后30日内，乙方提交末期报告、服务台账和资金使用情况报告，甲方组织验收；"
        "验收结果分为优秀、合格和不合格三个等次，并作为乙方今后承接政府购买服务的重要依据。")},
    {"key": "funds", "heading": "资金专账核算", "text": (
        "（一）乙方应当对本项目资金{{ price.figures }}实行专账核算、专款专用，"
        "不得截留、挪用或用于与本项目无关的支出。\n"
        "（二）项目人员经费不得超过服务费用总额的30%；预算调整超过单项10%的，应事先报甲方同意。\n"
        "（三）乙方应当自觉接受财政、审计和民政部门的监督检查，相关财务凭证保存不少于十年。\n"
        "（四）项目结余资金按照甲方要求及财政部门有关规定处理。")},
    {"key": "confidentiality", "heading": "保密与信息公开", "text": (
        "（一）乙方对在服务过程中知悉的服务对象个人信息和甲方工作秘密负有保密义务，"
        "未经同意不得向第三方披露，本义务不因合同终止而免除。\n"
        "（二）甲方依法将本合同的名称、双方名称、服务内容、金额和期限等信息向社会公开，"
        "乙方同意前述公开；涉及国家秘密、商业秘密和个人隐私的内容除外。\n"
        "（三）乙方应当按照社会组织信息公开的有关规定，公开本项目的实施情况和资金使用情况。")},
    {"key": "changes", "heading": "合同变更与解除", "text": (
        "（一）本合同履行期间，任何一方需要变更服务内容、期限或金额的，应当书面提出，"
        "经双方协商一致后签订补充协议；补充协议与本合同具有同等效力。\n"
        "（二）乙方有下列情形之一的，甲方有权解除合同并要求乙方退还已拨付但未使用的资金："
        "擅自转包的；挪用项目资金的；中期评估整改后仍不合格的；被列入严重违法失信名单的。\n"
        "（三）因政策调整等原因需要解除合同的，双方应当对已完成的服务进行结算。")},
    {"key": "liability", "heading": "违约责任", "text": (
        "（一）甲方无正当理由逾期支付服务费用的，每逾期一日，按逾期金额的万分之三向乙方"
        "支付违约金。\n"
        "（二）乙方未按约定完成服务数量或质量标准的，甲方可按未完成比例核减服务费用；"
        "情节严重的，乙方应当支付合同金额10%的违约金，即{{ price.tenth }}。\n"
        "（三）乙方挪用项目资金的，应当全额退还被挪用资金，甲方可在三年内不再向其购买服务。")},
    {"key": "disputes", "heading": "争议解决", "text": (
        "因本合同引起的或与本合同有关的争议，双方应当友好协商解决；协商不成的，"
        "任何一方均可向{{ buyer.name }}所在地有管辖权的人民法院提起诉讼。")},
    {"key": "force_majeure", "heading": "不可抗力", "text": (
        "因地震、洪水、疫情等不可抗力致使合同不能履行的，遭受不可抗力的一方应当在"
        "不可抗力发生后3日内通知对方，并在15日内提供证明；双方根据不可抗力的影响协商"
        "延期履行、部分履行或解除合同，均不承担违约责任。")},
    {"key": "copies", "heading": "合同份数与生效", "text": (
        "本合同一式{{ signing.copies_text }}份，甲乙双方各执{{ signing.copies_each_text }}份，"
        "具有同等法律效力。本合同自双方法定代表人（负责人）或授权代表签字并加盖公章之日起生效。"
        "本合同未尽事宜，由双方另行协商并签订补充协议。")},
]


def new_verification_code() -> str:
    """A random code such as 7KQ3-M9XD-2PFA (60 bits), printed on the contract."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG markup (drawn by segno; nothing is fetched when printing)."""
    return segno.make(url, error="m").svg_inline(border=0, omitsize=True, dark="#000")


def clause_data(data: ContractData) -> dict:
    """The plain data clause texts may use (shown to staff beside the editor)."""
    amount = quantize(data["amount"])
    signing = data["signing"]
    return {
        "contract": {"number": data["number"]},
        "project": dict(data["project"]),
        "buyer": dict(data["buyer"]),
        "supplier": dict(data["supplier"]),
        "term": dict(data["term"]),
        "price": {"amount": amount, "figures": format_yuan(amount), "daxie": daxie(amount),
                  "tenth": format_yuan(amount / 10)},
        "signing": {**signing, "copies_text": chinese_number(signing["copies"]),
                    "copies_each_text": chinese_number(signing["copies_each"])},
    }


def placeholders(data: ContractData | None = None) -> list[str]:
    """The dotted names a clause text may use ("supplier.name", "price.daxie", …), for the editor."""
    names = []

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item)
        else:
            names.append(prefix)

    walk("", clause_data(data or demo_contract_data()))
    return sorted(names)


def check_clause_text(text: str) -> str | None:
    """Preview check for a staff-edited clause: the error message, or None when it renders."""
    return validate_clause(text, clause_data(demo_contract_data()))


def contract_context(data: ContractData) -> dict:
    """What templates/pdf/contract.html prints, derived from `data` (see the module docstring).

    Raises ClauseError when a clause text is refused by the sandbox.
    """
    plain(dict(data))
    amount = quantize(data["amount"])
    percentages = [t["percentage"] for t in data["tranches"]]
    amounts = split_by_percentages(amount, percentages)
    sandbox_data = clause_data(data)
    url = verify_url(data["base_url"], data["verification_code"])
    return {
        **data,
        "price": sandbox_data["price"],
        "tranches": [
            {"number": i, "number_text": chinese_number(i), "percentage": t["percentage"],
             "amount": part, "amount_text": format_yuan(part), "condition": t["condition"]}
            for i, (t, part) in enumerate(zip(data["tranches"], amounts, strict=True), start=1)
        ],
        "clauses": [
            {"key": c["key"], "heading": c["heading"],
             "paragraphs": [p for p in render_clause(c["text"], sandbox_data).split("\n") if p.strip()]}
            for c in data["clauses"]
        ],
        "signing": sandbox_data["signing"],
        "verify_url": url,
        "qr_svg": qr_svg(url),
    }


def render_contract(data: ContractData, **options) -> bytes:
    """The contract PDF (options go to grants.pdf.render, e.g. fonts="system")."""
    return render("contract.html", contract_context(data), **options)


def demo_contract_data(base_url: str = "http://127.0.0.1:5000") -> ContractData:
    """A realistic contract (about five pages) for tests, the bench and the demo site."""
    return {
        "number": "JXGY-2026-0001",
        "version": 1,
        "verification_code": "7KQ3-M9XD-2PFA",
        "base_url": base_url,
        "project": {
            "name": "社区独居老人“银龄守护”关爱服务项目",
            "call_title": "2026年嘉兴市公益创投项目征集",
            "category": "为老服务",
            "location": "嘉兴市南湖区新兴街道、建设街道",
            "beneficiaries": "辖区内独居、空巢及失能半失能老人不少于300名",
        },
        "buyer": {
            "name": "嘉兴市民政局",
            "uscc": "11330400002586130C",
            "address": "浙江省嘉兴市南湖区中环东路1882号",
            "representative": "王建国",
            "contact": "李晓燕",
            "phone": "0573-82071234",
        },
        "supplier": {
            "name": "嘉兴市南湖区堃𠮷社会工作服务中心",
            "uscc": "52330402MJ8888888N",
            "legal_representative": "陈堃",
            "address": "浙江省嘉兴市南湖区新兴路168号2幢301室",
            "contact": "周静",
            "phone": "13857312345",
            "bank": "中国工商银行嘉兴南湖支行",
            "account_name": "嘉兴市南湖区堃𠮷社会工作服务中心",
            "account": "1204 0601 0900 1234 567",
        },
        "service": {
            "content": [
                ("乙方在服务期内为南湖区新兴街道、建设街道的独居、空巢及失能半失能老人提供"
                "定期探访、安全评估、健康管理、精神慰藉和应急援助服务，建立“一人一档”服务档案，"
                "并培育一支不少于40人的社区志愿者队伍，形成“社工+志愿者+邻里”的长效关爱机制。"),
                ("服务对象由甲方会同街道、社区共同确定，乙方不得以任何名义向服务对象收取费用。"
                "服务过程中发现老人有紧急医疗、安全风险的，乙方应当立即联系其家属和社区，"
                "必要时拨打急救电话，并在24小时内书面报告甲方。"),
                ("乙方应当配备不少于3名持证社会工作者和1名项目督导，项目负责人不得随意更换；"
                "确需更换的，应当提前15日书面报告甲方并经甲方同意。"),
            ],
            "kpis": [
                {"name": "建立服务档案", "target": "300", "unit": "份",
                 "standard": "“一人一档”，信息完整，每季度更新"},
                {"name": "入户探访", "target": "2,400", "unit": "人次",
                 "standard": "每位老人每月不少于一次，记录完整可查"},
                {"name": "居家安全评估", "target": "300", "unit": "户",
                 "standard": "使用统一评估表，发现隐患7日内反馈整改"},
                {"name": "健康讲座与义诊", "target": "12", "unit": "场",
                 "standard": "每场参与老人不少于30人，有签到和影像记录"},
                {"name": "志愿者培训", "target": "40", "unit": "人",
                 "standard": "培训不少于8学时，考核合格后上岗"},
                {"name": "服务对象满意度", "target": "90", "unit": "%",
                 "standard": "由第三方随机抽样调查，样本不少于60人"},
            ],
        },
        "term": {"start": "2026年5月1日", "end": "2027年4月30日", "months": 12},
        "amount": Decimal("300000.00"),
        "tranches": [
            {"percentage": 30, "condition": "合同签订后10个工作日内"},
            {"percentage": 40, "condition": "中期评估合格后10个工作日内"},
            {"percentage": 30, "condition": "末期验收合格后10个工作日内"},
        ],
        "signing": {"place": "浙江省嘉兴市", "date": "2026年4月20日", "copies": 4, "copies_each": 2},
        "clauses": [dict(c) for c in DEFAULT_CLAUSES],
    }
