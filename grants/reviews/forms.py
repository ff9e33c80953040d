"""Scoring forms: one score and one comment field per rubric criterion, built per call."""
from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from grants import labels
from grants.services.reviews import comment_field, score_field


class ScoreField(StringField):
    """A score: `data` is a Decimal or None; anything that is not a number gets a clear message
    (the range and half-point rules are the service's)."""

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        self._bad = False
        text = unicodedata.normalize("NFKC", self.raw or "").strip().replace("，", ".")
        if text:
            try:
                value = Decimal(text)
            except InvalidOperation:
                self._bad = True
            else:
                if value.is_finite():
                    self.data = value
                else:
                    self._bad = True

    def pre_validate(self, form):
        from flask_babel import gettext

        if getattr(self, "_bad", False):
            raise ValidationError(gettext("Enter a number, for example 8 or 8.5."))

    def _value(self):
        if getattr(self, "raw", None):
            return self.raw
        if self.data is None:
            return ""
        return f"{self.data.normalize():f}"


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
