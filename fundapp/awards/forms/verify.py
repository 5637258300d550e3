"""The public form to type a letter's verification code (a GET form: it changes nothing, so no CSRF token)."""

from __future__ import annotations

import re
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Form as UnprotectedForm
from wtforms import StringField

CODE_MAX_CHARS = 20
_CODE_RE = re.compile(r"^[A-Z0-9]{10}$")


def is_well_formed(code: str) -> bool:
    """Whether the typed text has the shape of a verification code (10 letters and digits, dashes optional)."""
    return bool(_CODE_RE.match(re.sub(r"[\s-]+", "", code).upper()))


class VerifyLookupForm(UnprotectedForm):
    """The verification code printed on a letter."""

    code = StringField(
        "Verification code",
        description="It is printed at the end of the letter, like 7KQ4-MZ2P-XA.",
        widget=GovTextInput(),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        typed = (self.code.data or "").strip()
        if not typed:
            self.code.errors = [*self.code.errors, "Enter the verification code from the letter"]
        elif len(typed) > CODE_MAX_CHARS * 2:
            self.code.errors = [*self.code.errors, "The verification code must be 12 characters or fewer"]
        elif not is_well_formed(typed):
            self.code.errors = [
                *self.code.errors,
                "Enter the verification code as printed on the letter, like 7KQ4-MZ2P-XA",
            ]
        return valid and not self.code.errors
