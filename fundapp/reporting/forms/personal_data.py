"""The admin's confirmation that an organisation's personal data is to be removed: why (required; the service checks
it is there and not too long, and names the field, so the message shows at the box with what was typed kept)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import SubmitField, TextAreaField

from fundapp.core.forms import Form


class AnonymiseForm(Form):
    reason = TextAreaField(
        "Why are you removing this personal data?",
        description="For the audit log, for example: retention period passed, reviewed with the data protection "
        "officer.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Remove personal data", widget=GovSubmitInput())
