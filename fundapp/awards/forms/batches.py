"""The form that starts bulk award letters for a call: one button (nothing is typed; the CSRF token is its input)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from fundapp.core.forms import Form


class StartLetterBatchForm(Form):
    """Issue the letters of every award ready for one."""

    submit = SubmitField("Issue the letters", widget=GovSubmitInput())
