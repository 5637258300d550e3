"""Forms for accounts: field shapes and messages. Business rules stay in services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from fundapp.accounts.formats import (
    normalise_charity_number,
    normalise_company_number,
    normalise_phone,
    normalise_postcode,
    normalise_website,
)
from fundapp.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from fundapp.accounts.states import (
    LEGAL_TYPE_LABELS,
    NEEDS_CHARITY_NUMBER,
    NEEDS_COMPANY_NUMBER,
    STAFF_ROLE_LABELS,
    LegalType,
    StaffRole,
)
from fundapp.core.forms import Form
from fundapp.core.money import MoneyParseError, parse_pounds
from fundapp.core.reference import london_boroughs

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _email_field(label: str = "Email address", hint: str = "") -> EmailField:
    return EmailField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )


def _full_name_field() -> StringField:
    return StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )


def _new_password_field(label: str, description: str, missing: str) -> PasswordField:
    """A field for choosing a password, with the length rule shown and checked."""
    return PasswordField(
        label,
        description=description,
        widget=GovPasswordInput(),
        validators=[
            InputRequired(missing),
            Length(min=MIN_LENGTH, message=f"Password must be {MIN_LENGTH} characters or more"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
    )


def _normalised_by(func: Callable[[str], str]) -> Callable[[Any, Any], None]:
    """A WTForms validator that stores the canonical form or shows func's message at the field."""

    def validator(_form: Any, field: Any) -> None:
        if field.data:
            try:
                field.data = func(field.data)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc

    return validator


class RegisterForm(Form):
    full_name = _full_name_field()
    email = _email_field(hint="We will use this to contact you about your applications")
    password = _new_password_field(
        "Create a password",
        f"Use {MIN_LENGTH} characters or more. A few unrelated words work well.",
        "Enter a password",
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class SignInForm(Form):
    email = _email_field()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(Form):
    email = _email_field(hint="We will send a link to reset your password if this email has an account")
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(Form):
    password = _new_password_field("New password", f"Use {MIN_LENGTH} characters or more.", "Enter a new password")
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ProfileForm(Form):
    full_name = _full_name_field()
    phone = StringField(
        "Telephone number (optional)",
        description="For urgent questions about your application",
        widget=GovTextInput(),
        validators=[Optional(), _normalised_by(normalise_phone)],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    new_password = _new_password_field("New password", f"Use {MIN_LENGTH} characters or more.", "Enter a new password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


_CODE_HINT = "The 6-digit code your authenticator app shows for this service. It changes every 30 seconds."


def _code_field(
    label: str = "Code from your authenticator app",
    *,
    hint: str = _CODE_HINT,
    missing: str = "Enter the 6-digit code from your authenticator app",
) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        filters=[lambda value: "".join(value.split()) if isinstance(value, str) else value],
        validators=[
            DataRequired(missing),
            Length(max=40, message="Enter the 6-digit code from your authenticator app, like 123456"),
        ],
    )


def _current_password_field() -> PasswordField:
    return PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )


class ChangeEmailForm(Form):
    """A new sign-in email, confirmed with the password and, for people who use it, a two-factor code (the view
    removes `code` for everyone else)."""

    email = EmailField(
        "New email address",
        description="We will send a message to your current address to say it has changed",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your new email address"),
            Length(max=320, message="Email address must be 320 characters or fewer"),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    current_password = _current_password_field()
    code = _code_field(
        hint="The 6-digit code it shows now, or one of your recovery codes",
        missing="Enter the 6-digit code from your authenticator app, or a recovery code",
    )
    submit = SubmitField("Change email address", widget=GovSubmitInput())


class AccountAccessForm(Form):
    """Why an admin disables or re-enables someone's account (kept in the audit log)."""

    reason = TextAreaField(
        "Reason",
        description="This is kept in the audit log. The person is not told it.",
        widget=GovTextArea(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Enter the reason"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )


def _income_to_pence(_form: Any, field: Any) -> None:
    if field.data:
        try:
            field.pence = parse_pounds(field.data)
        except MoneyParseError as exc:
            raise ValidationError("Enter annual income as an amount in pounds, like 45000 or £45,000") from exc
    else:
        field.pence = None


class OrganisationForm(Form):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your organisation's name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
        ],
    )
    legal_type = RadioField(
        "What type of organisation is it?",
        choices=[SelectChoice(t.value, LEGAL_TYPE_LABELS[t]) for t in LegalType],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the type of organisation")],
    )
    charity_number = StringField(
        "Charity number",
        description="If you are a registered charity or CIO, for example 1234567",
        widget=GovTextInput(),
        validators=[Optional(), _normalised_by(normalise_charity_number)],
    )
    company_number = StringField(
        "Company number",
        description="If you are a company or CIC, the 8-character number from Companies House, for example 01234567",
        widget=GovTextInput(),
        validators=[Optional(), _normalised_by(normalise_company_number)],
    )
    address_line_1 = StringField(
        "Address line 1",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the first line of your address"),
            Length(max=200),
        ],
    )
    address_line_2 = StringField(
        "Address line 2 (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    town = StringField(
        "Town or city",
        widget=GovTextInput(),
        validators=[InputRequired("Enter town or city"), Length(max=100)],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a postcode"),
            _normalised_by(normalise_postcode),
        ],
    )
    borough_gss = SelectField(
        "London borough where you are based",
        choices=[SelectChoice("", "Select a borough"), *(SelectChoice(b.gss_code, b.name) for b in london_boroughs())],
        widget=GovSelect(),
        validators=[InputRequired("Select the London borough where your organisation is based")],
    )
    website = StringField(
        "Website (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=300), _normalised_by(normalise_website)],
    )
    annual_income = StringField(
        "Annual income (optional)",
        description="From your latest accounts, in pounds",
        widget=GovTextInput(),
        validators=[Optional(), _income_to_pence],
    )
    submit = SubmitField("Save organisation details", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if self.legal_type.data in {t.value for t in LegalType}:
            legal_type = LegalType(self.legal_type.data)
            if legal_type in NEEDS_CHARITY_NUMBER and not self.charity_number.data and not self.charity_number.errors:
                self.charity_number.errors = [
                    *self.charity_number.errors,
                    "Enter your charity number",
                ]
                valid = False
            if legal_type in NEEDS_COMPANY_NUMBER and not self.company_number.data and not self.company_number.errors:
                self.company_number.errors = [
                    *self.company_number.errors,
                    "Enter your company number",
                ]
                valid = False
        return valid

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for the organisation services."""
        return {
            "name": self.name.data,
            "legal_type": LegalType(self.legal_type.data),
            "charity_number": self.charity_number.data or None,
            "company_number": self.company_number.data or None,
            "address_line_1": self.address_line_1.data,
            "address_line_2": self.address_line_2.data or None,
            "town": self.town.data,
            "postcode": self.postcode.data,
            "borough_gss": self.borough_gss.data,
            "website": self.website.data or None,
            "annual_income_pence": getattr(self.annual_income, "pence", None),
        }


class InviteMemberForm(Form):
    email = _email_field(
        "Email address of the person to invite",
        hint="We will email them a link to join",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AcceptInvitationForm(Form):
    submit = SubmitField("Join organisation", widget=GovSubmitInput())


class AssignRoleForm(Form):
    role = RadioField(
        "Role",
        choices=[SelectChoice(r.value, STAFF_ROLE_LABELS[r]) for r in StaffRole],
        widget=GovRadioInput(),
        validators=[InputRequired("Select a role")],
    )
    scope = SelectField(
        "Which funds or calls does it cover?",
        description="Admins always cover everything",
        choices=[SelectChoice("", "Everything")],
        widget=GovSelect(),
        validators=[Optional()],
    )
    submit = SubmitField("Add role", widget=GovSubmitInput())

    def set_scope_choices(self, choices: list[tuple[str, str]]) -> None:
        """Scopes are 'fund:<id>' or 'round:<id>'; the view passes the funds and calls that exist."""
        self.scope.choices = [SelectChoice("", "Everything"), *(SelectChoice(value, label) for value, label in choices)]

    def scope_ids(self) -> tuple[int | None, int | None]:
        """(fund_id, round_id) from the chosen scope."""
        kind, _, ident = (self.scope.data or "").partition(":")
        if kind == "fund" and ident.isdigit():
            return int(ident), None
        if kind == "round" and ident.isdigit():
            return None, int(ident)
        return None, None


class TwoFactorCodeForm(Form):
    """The second step of signing in: a code from the authenticator app."""

    code = _code_field()
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(Form):
    """The second step of signing in with a recovery code instead of the app."""

    code = StringField(
        "Recovery code",
        description="One of the 10 codes you saved when you set up two-factor authentication, like ABCDE-23FGH",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter one of your recovery codes"),
            Length(max=40, message="A recovery code is 10 letters and numbers, like ABCDE-23FGH"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class TwoFactorSetupForm(Form):
    """Confirm a new authenticator app with the code it shows (while signing in)."""

    code = _code_field()
    submit = SubmitField("Turn on two-factor authentication", widget=GovSubmitInput())


class TwoFactorTurnOnForm(Form):
    """Turn two-factor authentication on from "Your account": the password again, then a code from the app."""

    password = _current_password_field()
    code = _code_field()
    submit = SubmitField("Turn on two-factor authentication", widget=GovSubmitInput())


class ReauthenticateForm(Form):
    """The password and a current code (or a recovery code), before a change to two-factor authentication."""

    password = _current_password_field()
    code = _code_field("Code from your authenticator app, or a recovery code")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmForm(Form):
    """A button with CSRF protection, for actions that need no input (sign out, remove a role)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
