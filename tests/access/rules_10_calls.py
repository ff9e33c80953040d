"""Calls (staff), organisation records kept by staff, public call pages."""
from tests.access import EVERYONE, STAFF, Rule, only
from tests.factories import create_call
from tests.factories_calls import call_form


def extend_world(w):
    w.call_draft = create_call(title="草稿征集", status="draft")
    w.call_open = create_call(title="开放征集", status="open")


# Records pages: the organisation's own applicant sees the organisation (403), everyone else
# who cannot see it gets 404.
RECORDS = only(STAFF, default=404, applicant=403)
# Staff pages of one call: to everyone else the call is not there (the same as a missing one).
STAFF_OBJECT = only(STAFF, default=404)

RULES = [
    Rule("calls.index", "GET", lambda w: "/calls/", only(STAFF)),
    Rule("calls.new", "GET", lambda w: "/calls/new", only(STAFF)),
    Rule("calls.new", "POST", lambda w: "/calls/new", only(STAFF), data=lambda w: call_form()),
    Rule("calls.detail", "GET", lambda w: f"/calls/{w.call_open.id}", STAFF_OBJECT),
    Rule("calls.edit", "GET", lambda w: f"/calls/{w.call_draft.id}/edit", STAFF_OBJECT),
    Rule("calls.edit", "POST", lambda w: f"/calls/{w.call_draft.id}/edit", STAFF_OBJECT, data=lambda w: call_form()),
    Rule("calls.step", "POST", lambda w: f"/calls/{w.call_draft.id}/step/open", STAFF_OBJECT),
    Rule("calls.schedule", "POST", lambda w: f"/calls/{w.call_draft.id}/schedule", STAFF_OBJECT,
         data=lambda w: {"scheduled": "1"}),
    Rule("organisation_records.edit", "GET", lambda w: f"/organisations/{w.org_a.id}/records", RECORDS,
         visible=("applicant",)),
    Rule("organisation_records.grade", "POST", lambda w: f"/organisations/{w.org_a.id}/records/grade", RECORDS,
         visible=("applicant",),
         data=lambda w: {"grade": "4", "assessed_on": "2025-01-01"}),
    Rule("organisation_records.inspection", "POST", lambda w: f"/organisations/{w.org_a.id}/records/inspection",
         RECORDS, visible=("applicant",), data=lambda w: {"year": "2025", "result": "passed"}),
    Rule("organisation_records.blacklist", "POST", lambda w: f"/organisations/{w.org_a.id}/records/blacklist",
         RECORDS, visible=("applicant",), data=lambda w: {"flagged": "y", "on": "2025-01-01", "note": "测试"}),
    Rule("public.calls", "GET", lambda w: "/public/calls", only(EVERYONE)),
    Rule("public.call", "GET", lambda w: f"/public/calls/{w.call_open.id}", only(EVERYONE)),
]
