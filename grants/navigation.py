"""Breadcrumbs: ONE registry of where every inner page sits, rendered once by base.html.

Each entry maps an endpoint to its parent endpoint (or a function choosing the parent from the
page's context, e.g. by role) and a label function. Label and parent functions receive `c`, a
`Context`: the page's template variables and view arguments (`c.call`, `c.proposal`, `c["call_id"]`),
with the user as `c.user`. The parent's URL arguments are found by name in the same context
(`call_id` → the view argument, else `c.call.id`, else any object's `call_id`).

Adding a page is one line: `"area.endpoint": crumb("area.parent", lambda c: c.thing.title),`.
A test walks the URL map and fails when an HTML GET page has no entry here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.routing import BuildError

from grants import permissions
from grants.extensions import db

# Top-level pages: a trail starts at one of them and they show no trail themselves.
HOME_PAGES = frozenset({"main.index", "main.dashboard"})
# GET endpoints that answer with a file, JSON or a redirect rather than an HTML page. Endpoints whose
# rule ends in an extension (`….pdf`, `export.<fmt>`, `….json`) are recognised without being listed.
NOT_PAGES = frozenset({
    "static", "proposals.download", "reviews.attachment", "reports.evidence", "organisations.certificate",
    "panel.picker", "public.call_file",
})


# Blueprints that answer JSON only (the department API).
JSON_BLUEPRINTS = frozenset({"api"})


class Context:
    """Template variables and view arguments, by attribute or by key; missing names are None."""

    def __init__(self, variables: dict, view_args: dict, user):
        self._vars = variables
        self._args = view_args
        self.user = user

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._vars.get(name)
        return value if value is not None else self._args.get(name)

    __getitem__ = __getattr__

    def var(self, name):
        """A template variable whose name is taken by an attribute (`user`)."""
        return self._vars.get(name)

    @property
    def is_staff(self) -> bool:
        return permissions.is_staff(self.user)


@dataclass(frozen=True)
class Crumb:
    parent: str | Callable[[Context], str | None] | None
    label: Callable[[Context], str]
    # Whether the user may open this page: ancestors a user may not open are skipped.
    allowed: Callable[[object], bool] | None = None


def crumb(parent, label, allowed=None) -> Crumb:
    if not callable(label):
        text = label
        label = lambda c: str(text)  # noqa: E731
    return Crumb(parent, label, allowed)


def _untitled(title: str | None) -> str:
    return title or _("(untitled draft)")


def _proposal_title(c: Context) -> str:
    """The proposal's title as this viewer may see it: masked on blind calls (services.redaction)."""
    from grants.services import redaction

    shown = c.shown if c.shown is not None else redaction.for_viewer(c.user, c.proposal)
    return _untitled(shown.title)


def _call(c: Context):
    if c.call is not None:
        return c.call
    for holder in (c.proposal, c.contract, c.award):
        if holder is not None:
            return holder.call
    return c.d.contract.call if c.d is not None else None


def _call_title(c: Context) -> str:
    call = _call(c)
    return call.title if call is not None else _("Call")


def _contract_label(c: Context) -> str:
    contract = c.contract or (c.d.contract if c.d is not None else None)
    return _("Contract %(number)s", number=contract.number) if contract is not None else _("Contract")


_staff = permissions.is_staff
_finance = permissions.can_view_finance

REGISTRY: dict[str, Crumb] = {
    # accounts and administration
    "auth.login": crumb("main.index", _l("Log in")),
    "auth.password": crumb("main.dashboard", _l("Password")),
    "auth.forgot": crumb("auth.login", _l("Forgotten password")),
    "auth.reset": crumb("auth.login", _l("Set a new password")),
    "auth.privacy": crumb("main.index", _l("Privacy notice")),
    "organisations.join": crumb("main.index", lambda c: _("Join %(org)s", org=c.invitation.organisation.name)
                                if getattr(c.invitation, "organisation", None) else _("Join an organisation")),
    "admin.users": crumb("main.dashboard", _l("Users"), permissions.is_admin),
    "admin.user_new": crumb("admin.users", _l("New user")),
    "admin.user_edit": crumb("admin.users", lambda c: c.var("user").name),
    "admin.audit": crumb("main.dashboard", _l("Audit log")),
    "admin.outbox": crumb("main.dashboard", _l("Outbox")),
    "api_admin.tokens": crumb("main.dashboard", _l("API tokens"), permissions.is_admin),
    "api_admin.new": crumb("api_admin.tokens", _l("New API token")),
    "api_admin.calls": crumb("api_admin.tokens", _l("API calls")),
    "opendata.index": crumb("main.index", _l("Open data")),
    "spotchecks.index": crumb("main.dashboard", _l("Spot checks"), permissions.can_manage_spot_checks),
    "spotchecks.inspectors": crumb("spotchecks.index", _l("Inspector pool (检查人员名录库)")),
    "spotchecks.new": crumb("spotchecks.index", _l("Make a spot-check draw")),
    "spotchecks.draw": crumb("spotchecks.index", lambda c: f"{_('Spot-check draw')} {c.draw.period}"),
    "spotchecks.item": crumb("spotchecks.draw", lambda c: c.item.organisation.name),
    "spotchecks_public.public_index": crumb("main.index", _l("Spot checks")),
    "spotchecks_public.public_draw": crumb("spotchecks_public.public_index",
                                           lambda c: f"{_('Spot-check draw')} {c.draw.period}"),
    "spotchecks_public.rerun": crumb("spotchecks_public.public_index", _l("Re-run a spot-check draw")),
    # organisations
    "organisations.register": crumb("main.index", _l("Register an organisation")),
    "organisations.index": crumb("main.dashboard", _l("Organisations"), _staff),
    "organisations.mine": crumb("main.dashboard", _l("My organisation")),
    "organisations.detail": crumb(lambda c: "organisations.index" if c.is_staff else "main.dashboard",
                                  lambda c: (c.org or c.disclosure.organisation).name),
    "organisations.edit": crumb("organisations.detail", _l("Edit")),
    "organisations.members": crumb("organisations.detail", _l("Members")),
    "organisation_records.edit": crumb("organisations.detail", _l("Registration records")),
    "registry.declaration": crumb("organisations.detail", _l("Emergency capabilities")),
    "registry.search": crumb("organisations.index", _l("Emergency capability registry"),
                             permissions.can_search_registry),
    # public side
    "public.calls": crumb("main.index", _l("Calls for proposals")),
    "public.call": crumb("public.calls", _call_title),
    "public.notice": crumb("public.call", _l("Public notice")),
    "public.contracts": crumb("main.index", _l("Contract announcements")),
    "public_disclosure.projects": crumb("main.index", _l("Funded projects")),
    "public_disclosure.project": crumb("public_disclosure.projects", lambda c: c.award.proposal.title),
    "public_disclosure.organisation": crumb("public_disclosure.projects", lambda c: c.org.name),
    "disclosures.index": crumb("organisations.detail", _l("Annual disclosures")),
    "disclosures.review_queue": crumb("organisations.index", _l("Annual disclosures to approve"), _staff),
    "disclosures.edit": crumb("disclosures.index",
                              lambda c: _("%(year)d annual disclosure", year=c.disclosure.year)),
    "verify.verify": crumb("main.index", _l("Check a contract")),
    # calls: the staff hub of each call and the pages of its stages
    "calls.index": crumb("main.dashboard", _l("Calls"), permissions.can_manage_calls),
    "calls.new": crumb("calls.index", _l("New call")),
    "calls.detail": crumb("calls.index", _call_title, permissions.can_manage_calls),
    "calls.edit": crumb("calls.detail", _l("Edit")),
    "proposals.screening": crumb("calls.detail", _l("Screening")),
    "panel.index": crumb("main.dashboard", _l("Review panels"), _staff),
    "panel.call_panel": crumb("calls.detail", _l("Review panel")),
    "panel.assignments": crumb("panel.call_panel", _l("Assignments")),
    "reviews.index": crumb("main.dashboard", _l("Scores and ranking"), _staff),
    "reviews.ranking": crumb("calls.detail", _l("Ranking")),
    "reviews.scores": crumb("proposals.detail", _l("Scores")),
    "awards.call": crumb("calls.detail", _l("Awards")),
    "contracts.call": crumb("calls.detail", _l("Contracts")),
    "contracts.clauses": crumb("contracts.call", _l("Contract clauses")),
    "reports.call": crumb("calls.detail", _l("Reports")),
    "finance.call": crumb(lambda c: "calls.detail" if c.is_staff else "finance.index", _l("Payments")),
    # proposals
    "proposals.index": crumb("main.dashboard", _l("Our proposals")),
    "proposals.new": crumb("public.call", _l("Start a proposal")),
    "proposals.detail": crumb(lambda c: "proposals.screening" if c.is_staff else "proposals.index",
                              _proposal_title),
    "proposals.edit": crumb("proposals.detail", _l("Edit")),
    # expert review
    "panel.queue": crumb("main.dashboard", _l("My review queue")),
    "panel.declare": crumb("panel.queue", _l("Conflict of interest")),
    "reviews.review": crumb(lambda c: "panel.queue" if permissions.is_reviewer(c.user) else "proposals.detail",
                            _proposal_title),
    # contracts
    "contracts.index": crumb("main.dashboard", _l("Contracts")),
    "contracts.detail": crumb(lambda c: "contracts.call" if c.is_staff else "contracts.index", _contract_label),
    "contracts.signed": crumb("contracts.detail", _l("Signed copy")),
    # reports and evaluations
    "reports.contract": crumb("contracts.detail", _l("Milestone reports")),
    "reports.detail": crumb("reports.contract", lambda c: _("Milestone %(n)d", n=c.report.milestone.number)),
    "reports.edit": crumb("reports.detail", _l("Edit")),
    "reports.version": crumb("reports.detail", lambda c: _("Version %(n)d", n=c.version.number)),
    "reports.queue": crumb("main.dashboard", _l("My evaluations")),
    "reports.evaluation": crumb(lambda c: "reports.queue" if c.user.has_role("evaluator") else "reports.contract",
                                _l("Evaluation")),
    # finance
    "finance.index": crumb("main.dashboard", _l("Finance overview"), _finance),
    "finance.contract": crumb("finance.call", _contract_label),
    "finance.disbursements": crumb("finance.index", _l("Payment requests")),
    "finance.queue": crumb("finance.index", _l("Approval queue")),
    "finance.disbursement": crumb("finance.contract", lambda c: _("Payment request %(n)d", n=c.d.id)),
    "finance.invoice": crumb("finance.disbursement", _l("Invoice")),
}


def is_page(rule) -> bool:
    """An HTML page a user can open: GET, not a home page, not a file/JSON download."""
    if "GET" not in rule.methods or rule.endpoint in HOME_PAGES or rule.endpoint in NOT_PAGES:
        return False
    if rule.endpoint.split(".", 1)[0] in JSON_BLUEPRINTS:
        return False
    last = rule.rule.rstrip("/").rsplit("/", 1)[-1]
    return "." not in last


def _url_args(endpoint: str, c: Context) -> dict | None:
    """The parent's URL arguments, found by name in the page's context; None when one is missing."""
    args = {}
    for rule in current_app.url_map.iter_rules(endpoint):
        for name in rule.arguments:
            value = c[name]
            if value is None and name.endswith("_id"):
                base = name[:-3]
                obj = _call(c) if base == "call" else c[base]
                if base == "org" and obj is None:
                    obj = c.organisation
                    if obj is None:  # a record of the organisation's (an annual disclosure, …)
                        obj = next((o.organisation for o in c._vars.values()
                                    if isinstance(o, db.Model) and hasattr(o, "organisation_id")), None)
                value = getattr(obj, "id", None) if obj is not None else None
                if value is None:
                    value = next((getattr(o, name) for o in c._vars.values()
                                  if isinstance(o, db.Model) and hasattr(o, name)), None)
            if value is None:
                return None
            args[name] = value
        break
    return args


def trail(variables: dict, endpoint: str | None = None, view_args: dict | None = None, user=None) -> list[dict]:
    """[{label, url}] from the home page down to the current page (its url is None)."""
    endpoint = endpoint or request.endpoint
    entry = REGISTRY.get(endpoint)
    if entry is None:
        return []
    user = user if user is not None else current_user
    c = Context(variables, view_args if view_args is not None else (request.view_args or {}), user)
    crumbs = [{"label": str(entry.label(c)), "url": None}]
    seen = {endpoint}
    parent = entry.parent(c) if callable(entry.parent) else entry.parent
    while parent and parent not in seen:
        seen.add(parent)
        if parent in HOME_PAGES:
            break
        up = REGISTRY[parent]
        if up.allowed is None or up.allowed(user):
            args = _url_args(parent, c)
            if args is None:
                break
            crumbs.append({"label": str(up.label(c)), "url": url_for(parent, **args)})
        parent = up.parent(c) if callable(up.parent) else up.parent
    home = "main.dashboard" if getattr(user, "is_authenticated", False) and parent != "main.index" else "main.index"
    crumbs.append({"label": _("Dashboard") if home == "main.dashboard" else _("Home"), "url": url_for(home)})
    return list(reversed(crumbs))


def init_app(app) -> None:
    @pass_context
    def breadcrumbs(context):
        return render(dict(context.items()))

    app.jinja_env.globals["breadcrumbs"] = breadcrumbs


def render(variables: dict) -> Markup:
    """The breadcrumb <nav> for the current page (empty on home and error pages)."""
    if "code" in variables and "message" in variables:  # errors/error.html
        return Markup("")
    try:
        items = trail(variables)
    except (AttributeError, KeyError, TypeError, BuildError):
        if current_app.testing:
            raise
        current_app.logger.exception("breadcrumbs of %s", request.endpoint)
        return Markup("")
    if not items:
        return Markup("")
    parts = []
    for item in items:
        if item["url"]:
            parts.append(Markup('<li><a href="{}">{}</a></li>').format(item["url"], item["label"]))
        else:
            parts.append(Markup('<li aria-current="page">{}</li>').format(item["label"]))
    return Markup('<nav class="breadcrumbs" aria-label="{}"><ol>{}</ol></nav>').format(
        _("Breadcrumb"), Markup("").join(parts))
