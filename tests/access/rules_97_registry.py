"""Emergency capability registry: members keep their organisation's declaration; staff search it
(with the private 24-hour contacts) and invite organisations to an open call."""
from tests.access import STAFF, Rule, only
from tests.factories import create_call
from tests.registry.factories import create_declaration


def extend_world(w):
    w.reg_declaration = create_declaration(w.org_a, capabilities=("rescue",), districts=("南湖区",))
    w.reg_call = create_call(title="准入测试应急征集", kind="emergency")


def _declaration(w):
    return {"capabilities": ["rescue"], "districts": ["南湖区"], "people_available": "5", "volunteers_available": "9",
            "counsellors": "0", "social_workers": "0", "medical_staff": "0", "other_certified": "0",
            "contact_name": "值班员", "contact_phone": "13800001234"}


RULES = [
    Rule("registry.declaration", "GET", lambda w: f"/organisations/{w.org_a.id}/capabilities",
         only(("applicant",), default=404, staff=403, admin=403), visible=("staff", "admin")),
    Rule("registry.declaration", "POST", lambda w: f"/organisations/{w.org_a.id}/capabilities",
         only(("applicant",), default=404, staff=403, admin=403), data=_declaration, visible=("staff", "admin")),
    Rule("registry.confirm", "POST", lambda w: f"/organisations/{w.org_a.id}/capabilities/confirm",
         only(("applicant",), default=404, staff=403, admin=403), visible=("staff", "admin")),
    Rule("registry.search", "GET", lambda w: "/registry/", only(STAFF)),
    Rule("registry.invite", "POST", lambda w: "/registry/invite", only(STAFF),
         data=lambda w: {"call_id": str(w.reg_call.id), "org_id": [str(w.org_b.id)]}),
]
