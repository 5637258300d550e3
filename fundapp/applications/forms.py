"""Forms for application pages. The questions themselves are data (see answers.py); a form here is the
envelope around them: the CSRF token, the version the person started from, and which button they pressed."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from fundapp.core.forms import Form


class SectionForm(Form):
    """The envelope of a section page: which version of the section the page was showing when it was loaded."""

    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
