"""Demo awards and contracts for the closed call: the recommended set of the ranking is
proposed (amount: the request, within the cap), published for notice two weeks ago, one
objection lodged and dismissed, the awards confirmed; three contracts generated, one of them
signed by the organisation and put in force. Idempotent: each stage is skipped once done.
"""
from __future__ import annotations

from datetime import timedelta

from grants.extensions import db
from grants.models import Award
from grants.services import awards, contracts, files
from grants.services import ranking as ranking_service
from grants.timeutil import local_today, start_of_local_day

STAFF_EMAIL = "staff@demo.jx.gov.cn"
CONTRACTS = 3


def run(ctx: dict) -> None:
    call = ctx.get("closed_call")
    if call is None:
        return
    staff = ctx["users"][STAFF_EMAIL]
    if awards.notice_of(call) is None and call.status == "closed":
        result = ranking_service.compute(call)
        for row in result.rows:
            if row.recommended and not row.incomplete:
                proposal = db.session.get(awards.Proposal, row.proposal_id)
                amount = min(row.amount_requested, call.per_project_cap)
                awards.propose(staff, call, proposal, amount, f"排名第{row.rank}，综合得分{row.score:.2f}，纳入资助。")
        if not awards.awards_of(call, ("proposed",)):
            return
        notice = awards.publish_notice(staff, call, today=local_today() - timedelta(days=14))
        first = awards.awards_of(call, ("in_notice",))[0]
        objection = awards.lodge_objection(
            call, name="赵先生", contact="13905730000", award_id=first.id,
            text="该组织去年承接的项目是否按期结项？请核实其执行能力。",
            now=start_of_local_day(notice.starts_on) + timedelta(hours=10))
        awards.resolve_objection(staff, objection, upheld=False,
                                 resolution="经核查，该组织2025年度承接的两个项目均已按期通过末期评估，异议不成立。")
        awards.confirm(staff, call)
    confirmed = awards.awards_of(call, ("confirmed",))
    for award in confirmed[:CONTRACTS]:
        if contracts.contract_of(award) is None:
            contracts.generate(staff, award)
    first = confirmed[0] if confirmed else None
    contract = contracts.contract_of(first) if first else None
    if contract is not None and contract.status == "generated":
        member = next((m.user for m in first.organisation.memberships), None)
        if member is not None:
            pdf = files.path_for(contract.versions[-1].stored_file.sha256).read_bytes()
            contracts.upload_signed(member, contract, f"{contract.number}-签章件.pdf", pdf,
                                    signed_on=local_today() - timedelta(days=1))
            contracts.activate(staff, contract)
    ctx["awards"] = list(db.session.scalars(awards.select(Award).where(Award.call_id == call.id)))
