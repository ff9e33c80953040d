"""Scoring forms: one score and one comment field per rubric criterion, built per call."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from grants import labels
from grants.forms import ScoreField
from grants.services.reviews import comment_field, score_field


def _recommendation_choices():
    return [SelectChoice("", _l("Choose…"))] + [SelectChoice(k, v) for k, v in labels.RECOMMENDATION_LABELS.items()]


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[Length(max=2000)])


def review_form(criteria, review=None):
    """The scoring form of a call's rubric, filled from `review` when given."""

    class _ReviewForm(FlaskForm):
        overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=5000)])
        recommendation = SelectField(_l("Recommendation"), choices=_recommendation_choices(), coerce=str,
                                     validate_choice=False)  # the service checks the value

    for c in criteria:
        # the criterion's name is the legend of its fieldset
        setattr(_ReviewForm, score_field(c.id), ScoreField(_l("Score")))
        setattr(_ReviewForm, comment_field(c.id), TextAreaField(_l("Comment"), validators=[Length(max=3000)]))
    data = {}
    if review is not None:
        data["overall_comment"] = review.overall_comment
        data["recommendation"] = review.recommendation or ""
        for s in review.scores:
            data[score_field(s.criterion_id)] = s.score
            data[comment_field(s.criterion_id)] = s.comment
    # On POST the submitted fields take precedence over `data`.
    return _ReviewForm(data=data)
