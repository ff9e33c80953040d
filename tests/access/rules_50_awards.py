"""Awards, notice, objections (staff decide; finance read) and the finance pages."""
from datetime import timedelta
from decimal import Decimal

from grants.extensions import db
from grants.models import Award, AwardNotice, Objection
from grants.timeutil import local_today
from tests.access import OK, ROLES, STAFF, Rule, only
from tests.factories import create_call, create_proposal
from tests.factories_reviews import cleared, create_review

FINANCE = ("finance", "finance_senior")


def extend_world(w):
    w.aw_call = create_call(title="立项准入测试征集", status="closed")
    w.aw_open = create_proposal(w.aw_call, w.org_a, status="screened_in", title="待立项项目")
    create_review(w.aw_open, cleared(w.aw_open, name="立项评审专家"), total=85)
    w.aw_recommended = create_proposal(w.aw_call, w.org_a, status="recommended", title="拟资助项目")
    w.aw_award = Award(call_id=w.aw_call.id, proposal_id=w.aw_recommended.id, organisation_id=w.org_a.id,
                       status="proposed", amount=Decimal("50000.00"), basis={"rank": 1})
    db.session.add(w.aw_award)
    w.notice_call = create_call(title="公示准入测试征集", status="closed")
    in_notice = create_proposal(w.notice_call, w.org_a, status="recommended", title="公示中项目")
    w.notice_award = Award(call_id=w.notice_call.id, proposal_id=in_notice.id, organisation_id=w.org_a.id,
                           status="in_notice", amount=Decimal("60000.00"), basis={"rank": 1})
    db.session.add(w.notice_award)
    today = local_today()
    db.session.add(AwardNotice(call_id=w.notice_call.id, starts_on=today - timedelta(days=1),
                               ends_on=today + timedelta(days=6), working_days=5))
    db.session.flush()
    w.objection = Objection(reference="YY-TEST-0001", call_id=w.notice_call.id, award_id=w.notice_award.id,
                            status="pending", name="异议人", contact="13900000000", text="申报材料与事实不符。")
    db.session.add(w.objection)
    db.session.commit()


def _staff_and_finance():
    return only(STAFF + FINANCE, default=404)


def _staff_acts():
    """Only staff decide; to everyone else (finance included) the object is not there to act on."""
    return only(STAFF, default=404)


RULES = [
    Rule("awards.call", "GET", lambda w: f"/awards/calls/{w.aw_call.id}", _staff_and_finance()),
    Rule("awards.propose", "POST", lambda w: f"/awards/calls/{w.aw_call.id}/propose", _staff_acts(),
         data=lambda w: {"proposal_id": w.aw_open.id, "amount": "30000", "note": "排名靠前"}),
    Rule("awards.change_amount", "POST", lambda w: f"/awards/{w.aw_award.id}/amount", _staff_acts(),
         data=lambda w: {"amount": "45000"}),
    Rule("awards.withdraw", "POST", lambda w: f"/awards/{w.aw_award.id}/withdraw", _staff_acts(), data=lambda w: {}),
    Rule("awards.publish", "POST", lambda w: f"/awards/calls/{w.aw_call.id}/publish", _staff_acts(),
         data=lambda w: {}),
    Rule("awards.resolve", "POST", lambda w: f"/awards/objections/{w.objection.id}/resolve", _staff_acts(),
         data=lambda w: {"decision": "dismiss", "resolution": "经核查，申报材料属实。"}),
    Rule("awards.confirm", "POST", lambda w: f"/awards/calls/{w.notice_call.id}/confirm", _staff_acts(),
         data=lambda w: {}),
    Rule("finance.index", "GET", lambda w: "/finance/", only(STAFF + FINANCE)),
    Rule("finance.call", "GET", lambda w: f"/finance/calls/{w.aw_call.id}", _staff_and_finance()),
    # The public notice and objections: anyone, no login.
    Rule("public.notice", "GET", lambda w: f"/public/calls/{w.notice_call.id}/notice", {r: OK for r in ROLES}),
    Rule("public.object_to", "POST", lambda w: f"/public/calls/{w.notice_call.id}/objections",
         {r: OK for r in ROLES},
         data=lambda w: {"award_id": str(w.notice_award.id), "name": "市民", "contact": "13800000000",
                         "text": "该组织去年项目未按期完成。"}),
]
