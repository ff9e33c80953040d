"""Scoring (reviewers), every review of a proposal and reopening (staff), the ranking of a call
under its budget and its exports (staff)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants import permissions
from grants.exports import spreadsheet, tables
from grants.extensions import db
from grants.models import Attachment, Call, Proposal, Review, User
from grants.reviews.forms import ReopenForm, review_form
from grants.services import ServiceError, files, redaction
from grants.services import ranking as ranking_service
from grants.services import reviews as service
from grants.timeutil import now_utc, to_local
from grants.views import apply_field_errors, flash_form_errors, get_or_404, paginate, paginate_list, refuse

bp = Blueprint("reviews", __name__)
RANKING_PAGE_SIZE = 100  # rows of the ranking page (the whole ranking is in the exports)


# -- loading -------------------------------------------------------------------------------------
def _reviewable_or_404(proposal_id) -> Proposal:
    """The proposal as its reviewer sees it; to anyone else it does not exist."""
    proposal = get_or_404(Proposal, proposal_id)
    if not permissions.can_open_proposal_as_reviewer(current_user, proposal):
        abort(404)
    return proposal


def _staff_call(call_id) -> Call:
    call = get_or_404(Call, call_id)
    if not permissions.can_view_ranking(current_user, call):
        refuse()
    return call


# -- reviewers -------------------------------------------------------------------------------------
@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@login_required
def review(proposal_id):
    if permissions.is_staff(current_user) and not permissions.is_reviewer(current_user):
        proposal = get_or_404(Proposal, proposal_id)
        if request.method == "POST":
            abort(403)
        return redirect(url_for("reviews.scores", proposal_id=proposal.id))
    proposal = _reviewable_or_404(proposal_id)
    call = proposal.call
    own = service.review_of(current_user, proposal)
    criteria = list(call.criteria)
    form = review_form(criteria, own)
    status = 200
    if request.method == "POST":
        if not permissions.can_score_proposal(current_user, proposal, own):
            flash(_("Your review can no longer be changed."), "error")
            return redirect(url_for("reviews.review", proposal_id=proposal.id))
        submit = request.form.get("action") == "submit"
        if form.validate():
            inputs = {c.id: service.CriterionInput(getattr(form, service.score_field(c.id)).data,
                                                    getattr(form, service.comment_field(c.id)).data or "")
                      for c in criteria}
            try:
                service.save(current_user, proposal, inputs, overall_comment=form.overall_comment.data,
                             recommendation=form.recommendation.data or None, submit=submit)
            except ServiceError as exc:
                apply_field_errors(form, exc)
                if exc.field_errors:
                    flash(exc.message, "error")
            else:
                if submit:
                    flash(_("Your review is submitted. Thank you."), "success")
                else:
                    flash(_("Your draft is saved. You can come back and submit it before the deadline."), "success")
                return redirect(url_for("reviews.review", proposal_id=proposal.id))
        status = 400
    others = service.others_reviews(proposal, current_user) if permissions.can_see_other_scores(
        current_user, proposal, own) else None
    return render_template(
        "reviews/review.html", proposal=proposal, call=call, criteria=criteria, review=own, form=form,
        editable=permissions.can_score_proposal(current_user, proposal, own),
        deadline_passed=permissions.review_deadline_passed(call),
        shown=redaction.for_viewer(current_user, proposal), others=others,
        hidden_until_submit=bool(call.show_scores_after_submit) and others is None,
    ), status


@bp.route("/proposals/<int:proposal_id>/attachments/<int:attachment_id>")
@login_required
def attachment(proposal_id, attachment_id):
    proposal = _reviewable_or_404(proposal_id)
    item = get_or_404(Attachment, attachment_id)
    if item.proposal_id != proposal.id:
        abort(404)
    path = files.path_for(item.sha256)
    if not path.exists():
        abort(404)
    shown = redaction.for_viewer(current_user, proposal)
    name = shown.attachment_names()[item.id]
    if shown.blind:
        try:
            data = shown.file(path.read_bytes(), item.content_type)
        except redaction.MetadataError as exc:
            flash(_("This file's metadata could not be removed (%(reason)s), so it is not shown in a blind "
                    "review. Ask the programme staff for an anonymised copy.", reason=exc.reason), "error")
            return redirect(url_for("reviews.review", proposal_id=proposal.id) + "#attachments")
        response = send_file(io.BytesIO(data), mimetype=item.content_type, as_attachment=True,
                             download_name=name, max_age=0)
    else:
        response = send_file(path, mimetype=item.content_type, as_attachment=True, download_name=name, max_age=0)
    return response  # nosniff and no-store: grants/security.py


# -- staff ---------------------------------------------------------------------------------------
@bp.route("/")
@login_required
def index():
    if not permissions.is_staff(current_user):
        abort(403)
    page = paginate(select(Call).where(Call.status != "draft").order_by(Call.opens_at.desc(), Call.id.desc()))
    ids = [c.id for c in page.items]
    counts = {}
    if ids:
        counts = {row.call_id: (row.submitted, row.total) for row in db.session.execute(
            select(Proposal.call_id,
                   func.count(Review.id).filter(Review.status == "submitted").label("submitted"),
                   func.count(Review.id).label("total"))
            .join(Review, Review.proposal_id == Proposal.id)
            .where(Proposal.call_id.in_(ids)).group_by(Proposal.call_id))}
    return render_template("reviews/index.html", page=page, counts=counts)


@bp.route("/proposals/<int:proposal_id>/scores")
@login_required
def scores(proposal_id):
    proposal = get_or_404(Proposal, proposal_id)
    if not permissions.can_view_reviews_of_proposal(current_user, proposal):
        refuse()
    reviews = list(db.session.scalars(
        select(Review).where(Review.proposal_id == proposal.id)
        .options(selectinload(Review.scores),
                 # the reviewers' names, not their roles and organisations
                 selectinload(Review.reviewer).lazyload(User.role_rows),
                 selectinload(Review.reviewer).lazyload(User.memberships))
        .order_by(Review.submitted_at.is_(None), Review.submitted_at, Review.id)))
    row = ranking_service.proposal_score(proposal)  # this proposal's figures, not the whole call's ranking
    counted = set(row.counted_review_ids)
    return render_template("reviews/scores.html", proposal=proposal, call=proposal.call, reviews=reviews,
                           counted=counted, row=row, criteria=list(proposal.call.criteria), reopen_form=ReopenForm())


@bp.route("/<int:review_id>/reopen", methods=["POST"])
@login_required
def reopen(review_id):
    item = get_or_404(Review, review_id)
    if not permissions.is_staff(current_user):
        refuse()
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            service.reopen(current_user, item, form.reason.data)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The review is reopened as a draft; the reviewer has been notified."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("reviews.scores", proposal_id=item.proposal_id))


@bp.route("/calls/<int:call_id>/ranking")
@login_required
def ranking(call_id):
    call = _staff_call(call_id)
    result = ranking_service.compute(call)
    page = paginate_list(result.rows, RANKING_PAGE_SIZE)
    cut_page = result.cut_index // page.per_page + 1 if result.cut_index is not None else None
    return render_template("reviews/ranking.html", call=call, result=result, page=page, cut_page=cut_page)


@bp.route("/calls/<int:call_id>/ranking.<fmt>")
@login_required
def ranking_export(call_id, fmt):
    call = _staff_call(call_id)
    anonymous = request.args.get("anonymous") == "1"
    result = ranking_service.compute(call)
    reviews, names, scores = ranking_service.export_reviews(call, with_names=not anonymous)
    sheets = [tables.ranking(result),
              tables.scores(result, list(call.criteria), reviews, None if anonymous else names, scores)]
    stamp = to_local(now_utc()).strftime("%Y%m%d-%H%M")
    return spreadsheet.download(fmt, f"call-{call.id}-ranking{'-anonymous' if anonymous else ''}-{stamp}", sheets,
                                title=call.title, part=request.args.get("part"))
