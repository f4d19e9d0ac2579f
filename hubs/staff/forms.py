"""Sign-in and account forms (shape only; rules live in the services)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )
    new_password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Confirm your new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app (or, at sign-in, a recovery code)."""

    code = StringField(
        "Code",
        validators=[DataRequired("Enter the code"), Length(max=40, message="Enter the code")],
    )


class ResetMfaForm(FlaskForm):
    reason = TextAreaField(
        "Why is the second factor being reset?",
        validators=[
            DataRequired("Enter why the second factor is being reset"),
            Length(max=500, message="Enter a reason of 500 characters or fewer"),
        ],
    )
