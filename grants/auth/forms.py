from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in"))


def new_password_field():
    """The one password rule (10 to 200 characters), for changing, resetting and joining."""
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")),
                    Length(min=10, max=200, message=_l("Use 10 to 200 characters."))],
    )


def confirm_password_field():
    return PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("new", message=_l("The two passwords are not the same."))],
    )


class NewPasswordForm(FlaskForm):
    """A new password twice (the reset link's page)."""

    new = new_password_field()
    confirm = confirm_password_field()


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                                Email(_l("Enter a valid email address.")), Length(max=254)])


__all__ = ["ForgotPasswordForm", "LoginForm", "NewPasswordForm", "PasswordChangeForm", "StringField"]
