"""Foundation routes: auth, main, organisations, admin, static."""
from tests.access import EVERYONE, LOGGED_IN, STAFF, Rule, only
from tests.factories import create_applicant, create_org, create_user


def extend_world(w):
    w.org_a = create_org(name="甲组织")
    w.org_b = create_org(name="乙组织")
    w.pending_org = create_org(name="待核组织", status="pending")
    w.users = {
        "applicant": create_applicant(w.org_a),
        "other_applicant": create_applicant(w.org_b),
        "reviewer": create_user("reviewer"),
        "staff": create_user("staff"),
        "finance": create_user("finance"),
        "finance_senior": create_user("finance", "finance_senior"),
        "admin": create_user("admin"),
        "evaluator": create_user("evaluator", affiliation="嘉兴市社会组织评估中心"),
    }
    w.target_user = create_user("reviewer", name="被管理用户")


RULES = [
    Rule("static", "GET", lambda w: "/static/app.css", only(EVERYONE)),
    Rule("main.index", "GET", lambda w: "/", only(EVERYONE)),
    Rule("main.dashboard", "GET", lambda w: "/dashboard", only(LOGGED_IN)),
    Rule("main.set_language", "POST", lambda w: "/lang/en", only(EVERYONE), data=lambda w: {"next": "/"}),
    Rule("auth.login", "GET", lambda w: "/auth/login", only(EVERYONE)),
    Rule("auth.login", "POST", lambda w: "/auth/login", only(EVERYONE),
         data=lambda w: {"email": "x@y.z", "password": "nope"}),
    Rule("auth.logout", "POST", lambda w: "/auth/logout", only(EVERYONE)),
    Rule("auth.logout_everywhere", "POST", lambda w: "/auth/logout-everywhere", only(LOGGED_IN)),
    Rule("auth.password", "GET", lambda w: "/auth/password", only(LOGGED_IN)),
    Rule("auth.password", "POST", lambda w: "/auth/password", only(LOGGED_IN), data=lambda w: {}),
    Rule("organisations.register", "GET", lambda w: "/organisations/register", only(EVERYONE)),
    Rule("organisations.register", "POST", lambda w: "/organisations/register", only(EVERYONE), data=lambda w: {}),
    Rule("organisations.mine", "GET", lambda w: "/organisations/mine",
         only(("applicant", "other_applicant"), default=404)),
    Rule("organisations.index", "GET", lambda w: "/organisations/", only(STAFF)),
    Rule("organisations.detail", "GET", lambda w: f"/organisations/{w.org_a.id}",
         only(STAFF + ("applicant",), default=404)),
    Rule("organisations.edit", "GET", lambda w: f"/organisations/{w.org_a.id}/edit",
         only(("applicant",), default=404, staff=403, admin=403), visible=("staff", "admin")),
    Rule("organisations.edit", "POST", lambda w: f"/organisations/{w.org_a.id}/edit",
         only(("applicant",), default=404, staff=403, admin=403), data=lambda w: {}, visible=("staff", "admin")),
    Rule("organisations.verify", "POST", lambda w: f"/organisations/{w.pending_org.id}/verify",
         only(STAFF, default=404)),
    Rule("organisations.reject", "POST", lambda w: f"/organisations/{w.pending_org.id}/reject",
         only(STAFF, default=404), data=lambda w: {"reason": "材料不全"}),
    Rule("admin.users", "GET", lambda w: "/admin/users", only(("admin",))),
    Rule("admin.user_new", "GET", lambda w: "/admin/users/new", only(("admin",))),
    Rule("admin.user_new", "POST", lambda w: "/admin/users/new", only(("admin",)), data=lambda w: {}),
    Rule("admin.user_edit", "GET", lambda w: f"/admin/users/{w.target_user.id}", only(("admin",), default=404)),
    Rule("admin.user_edit", "POST", lambda w: f"/admin/users/{w.target_user.id}", only(("admin",), default=404),
         data=lambda w: {}),
    Rule("admin.user_active", "POST", lambda w: f"/admin/users/{w.target_user.id}/active",
         only(("admin",), default=404),
         data=lambda w: {"active": "0"}),
    Rule("admin.outbox", "GET", lambda w: "/admin/outbox", only(("admin",))),
    Rule("admin.audit", "GET", lambda w: "/admin/audit", only(("admin",))),
    Rule("admin.audit_export", "GET", lambda w: "/admin/audit/export.csv", only(("admin",))),
]
