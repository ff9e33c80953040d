"""Public disclosure pages, no login (blueprint `public_disclosure`, mounted at /public beside the
calls and notices): funded projects (filtered, paginated, downloadable), one project, one
verified organisation. What they show and never show: grants/services/disclosure.py."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from grants.exports.spreadsheet import download
from grants.services import disclosure as service
from grants.views import paginate

bp = Blueprint("public_disclosure", __name__)


@bp.route("/projects")
def projects():
    filters = service.parse_filters(request.args)
    page = paginate(service.funded_projects(filters))
    return render_template("public/projects.html", page=page, facts=service.facts_for(page.items), filters=filters,
                           options=service.filter_options(), status_labels=service.status_labels())


@bp.route("/projects/export.<fmt>")
def projects_export(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = service.parse_filters(request.args)
    return download(fmt, "funded-projects", [service.export_sheet(filters)], title=_("Funded projects"))


@bp.route("/projects/<int:award_id>")
def project(award_id):
    award = service.public_award(award_id)
    if award is None:
        abort(404)
    return render_template("public/project.html", status_labels=service.status_labels(), **service.project_page(award))


@bp.route("/organisations/<int:org_id>")
def organisation(org_id):
    org = service.public_organisation(org_id)
    if org is None:
        abort(404)
    return render_template("public/organisation.html", status_labels=service.status_labels(),
                           **service.organisation_page(org))
