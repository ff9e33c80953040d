"""Open data, no login: the page explaining the files, and the two files themselves."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from grants.services import opendata

bp = Blueprint("opendata", __name__)


@bp.route("/")
def index():
    config = current_app.config
    return render_template("opendata/index.html", funder=opendata.funder(), scheme=opendata.ORG_SCHEME,
                           giving_prefix=f"360G-{config['OPEN_DATA_PREFIX']}",
                           ocds_prefix=f"ocds-{config['OCDS_PREFIX']}", license_url=config["OPEN_DATA_LICENSE"],
                           available={kind: opendata.build(kind) is not None for kind in opendata.KINDS})


@bp.route("/360giving.json")
def giving():
    return _serve("360giving")


@bp.route("/ocds.json")
def ocds():
    return _serve("ocds")


def _serve(kind: str):
    export = opendata.build(kind)
    if export is None:
        # Both standards require at least one record: an empty package would not be valid.
        response = jsonify(error=404, title=_("Nothing published yet"),
                           message=_("No grant or contract has been published yet, and the standard does not "
                                     "allow an empty file. Try again once the first award is confirmed."))
        response.status_code = 404
    else:
        response = current_app.response_class(export.body, mimetype="application/json")
        response.set_etag(export.etag)
        response.make_conditional(request)
        response.headers["Content-Disposition"] = f'inline; filename="{kind}.json"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
