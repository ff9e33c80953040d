"""Spot checks: staff keep the pool, draw and enter results; everyone sees draws and re-runs them."""
from grants.services import spotchecks
from grants.timeutil import local_today
from tests.access import EVERYONE, STAFF, Rule, only
from tests.spotchecks.factories import create_inspectors


def extend_world(w):
    w.sc_inspectors = create_inspectors(3)
    staff = w.users["staff"]
    w.sc_draw = spotchecks.create_draw(staff, population="awards", period="准入测试期", nonce="access")
    w.sc_item = w.sc_draw.items[0]
    spotchecks.record_result(staff, w.sc_item, findings="符合要求。", rating="qualified",
                             rectification_required=False, rectification_due_on=None)


def _rerun(w):
    return {"draw_date": w.sc_draw.draw_date.isoformat(), "candidate_ids": ",".join(map(str, w.sc_draw.candidate_ids)),
            "nonce": "access", "document_rate": "5", "onsite_rate": "0.5"}


RULES = [
    Rule("spotchecks.index", "GET", lambda w: "/spot-checks/", only(STAFF)),
    Rule("spotchecks.inspectors", "GET", lambda w: "/spot-checks/inspectors", only(STAFF)),
    Rule("spotchecks.inspectors", "POST", lambda w: "/spot-checks/inspectors", only(STAFF),
         data=lambda w: {"name": "新检查员", "affiliation": "嘉兴学院"}),
    Rule("spotchecks.inspector_active", "POST", lambda w: f"/spot-checks/inspectors/{w.sc_inspectors[0].id}/active",
         only(STAFF, default=404), data=lambda w: {"active": "0"}),
    Rule("spotchecks.new", "GET", lambda w: "/spot-checks/new", only(STAFF)),
    Rule("spotchecks.new", "POST", lambda w: "/spot-checks/new", only(STAFF),
         data=lambda w: {"population": "organisations", "period": "准入新一期", "nonce": "", "document_rate": "5",
                         "onsite_rate": "0.5", "inspectors_per_item": "2"}),
    Rule("spotchecks.draw", "GET", lambda w: f"/spot-checks/{w.sc_draw.id}", only(STAFF, default=404)),
    Rule("spotchecks.item", "GET", lambda w: f"/spot-checks/items/{w.sc_item.id}", only(STAFF, default=404)),
    Rule("spotchecks.item", "POST", lambda w: f"/spot-checks/items/{w.sc_item.id}", only(STAFF, default=404),
         data=lambda w: {"findings": "复核：符合要求。", "rating": "qualified"}),
    Rule("spotchecks.close", "POST", lambda w: f"/spot-checks/items/{w.sc_item.id}/close", only(STAFF, default=404),
         data=lambda w: {"closed_on": local_today().isoformat()}),
    # Public: no login.
    Rule("spotchecks_public.public_index", "GET", lambda w: "/public/spot-checks/", only(EVERYONE)),
    Rule("spotchecks_public.public_draw", "GET", lambda w: f"/public/spot-checks/{w.sc_draw.id}", only(EVERYONE)),
    Rule("spotchecks_public.rerun", "GET", lambda w: f"/public/spot-checks/rerun?draw={w.sc_draw.id}",
         only(EVERYONE)),
    Rule("spotchecks_public.rerun", "POST", lambda w: "/public/spot-checks/rerun", only(EVERYONE), data=_rerun),
]
