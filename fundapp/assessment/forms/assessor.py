"""Forms for the assessor pages: the conflict-of-interest check, the scorecard (built per call from its criteria)
and standing connections.

The scorecard's fields carry no rules of their own: services.save_scorecard checks every score, justification and
recommendation and names the field each problem belongs to (fields.score_field / fields.justification_field), so
a draft can be saved with some parts wrong and the messages are written once. The conflict and connection forms
check their shape here (all problems at once); the services re-check and add the rules that need the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import BooleanField, Field, HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Regexp, ValidationError

from fundapp.assessment.fields import NOT_APPLICABLE, justification_field, score_field
from fundapp.assessment.services import REASON_MAX_CHARS
from fundapp.assessment.states import CONNECTION_LABELS, RECOMMENDATION_LABELS
from fundapp.core.forms import Form

HAS_CONFLICT = "yes"
NO_CONFLICT = "no"


def _kind_field() -> RadioField:
    # Choices are checked in validate(), in words (not "Not a valid choice").
    return RadioField(
        "How are you connected to the organisation?",
        choices=[SelectChoice(kind.value, label) for kind, label in CONNECTION_LABELS.items()],
        validate_choice=False,
        widget=GovRadioInput(),
    )


def _check_kind(field: Field) -> None:
    if not field.data:
        field.errors = [*field.errors, "Select how you are connected to the organisation"]
    elif field.data not in {kind.value for kind in CONNECTION_LABELS}:
        field.errors = [*field.errors, "Choose how you are connected to the organisation"]


def _check_text(field: Field, *, missing: str, max_chars: int, too_long: str) -> None:
    text = (field.data or "").strip()
    if not text:
        field.errors = [*field.errors, missing]
    elif len(text) > max_chars:
        field.errors = [*field.errors, too_long]


class ConflictForm(Form):
    """Whether the assessor has a conflict of interest with the organisation; with one, what it is."""

    conflict = RadioField(
        "Do you have a conflict of interest with this organisation?",
        choices=[
            SelectChoice(NO_CONFLICT, "I have no conflict of interest"),
            SelectChoice(HAS_CONFLICT, "I have a conflict of interest"),
        ],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    kind = _kind_field()
    reason = TextAreaField(
        "Describe your conflict of interest",
        description="For example, 'I was a trustee until last year'. The fund manager reads this.",
        widget=GovCharacterCount(),
    )
    standing = BooleanField(
        "Do not give me this organisation's applications again", widget=GovCheckboxInput(), default=False
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @property
    def has_conflict(self) -> bool:
        return self.conflict.data == HAS_CONFLICT

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        if self.conflict.data not in (HAS_CONFLICT, NO_CONFLICT):
            self.conflict.errors = [*self.conflict.errors, "Select whether you have a conflict of interest"]
        elif self.has_conflict:
            _check_kind(self.kind)
            _check_text(
                self.reason,
                missing="Describe your conflict of interest",
                max_chars=REASON_MAX_CHARS,
                too_long=f"Your description must be {REASON_MAX_CHARS:,} characters or fewer",
            )
        return valid and not (self.conflict.errors or self.kind.errors or self.reason.errors)


class ConnectionForm(Form):
    """A standing connection with an organisation: the assessor is never given its applications."""

    organisation = SelectField(
        "Organisation",
        description="Organisations that have applied to the calls you assess for",
        validate_choice=False,
        widget=GovSelect(),
    )
    kind = _kind_field()
    details = TextAreaField(
        "Describe the connection",
        description="For example, 'My sister is their youth work coordinator'. The fund manager reads this.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Declare connection", widget=GovSubmitInput())

    def __init__(self, *args: Any, organisations: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.id): o for o in organisations}
        self.organisation.choices = [
            SelectChoice("", "Choose an organisation"),
            *(SelectChoice(str(o.id), o.name) for o in organisations),
        ]

    @property
    def chosen_organisation(self) -> Any:
        return self.organisations.get(self.organisation.data or "")

    def validate_organisation(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Choose the organisation you are connected to")
        if self.chosen_organisation is None:
            raise ValidationError("Choose an organisation from the list")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        _check_kind(self.kind)
        _check_text(
            self.details,
            missing="Describe the connection",
            max_chars=REASON_MAX_CHARS,
            too_long=f"Your description must be {REASON_MAX_CHARS:,} characters or fewer",
        )
        return valid and not (self.kind.errors or self.details.errors)


# --- the scorecard ---------------------------------------------------------------------------------------


class ScorecardForm(Form):
    """The envelope of a scorecard: the version the page was loaded at. scorecard_form() adds the fields."""

    version = HiddenField(validators=[Regexp(r"^\d{1,9}$", message="Reload the page and try again")])
    criterion_ids: tuple[int, ...] = ()

    def score(self, criterion_id: int) -> Any:
        return self[score_field(criterion_id)]

    def justification(self, criterion_id: int) -> Any:
        return self[justification_field(criterion_id)]

    def entries(self) -> dict[int, tuple[str, str]]:
        """Criterion id → (choice, justification) as posted."""
        return {cid: (self.score(cid).data or "", self.justification(cid).data or "") for cid in self.criterion_ids}

    def score_params(self, criterion: Any) -> dict[str, Any]:
        """GOV.UK radios params for a criterion's score: its name and weight as the legend, its guidance as the
        hint (none without guidance), and what each point means under that point."""
        descriptions = {str(d.score): d.description for d in criterion.descriptors}
        descriptions[NOT_APPLICABLE] = "This criterion does not apply to this application"
        field = self.score(criterion.id)
        params: dict[str, Any] = {
            "fieldset": {"legend": {"text": field.label.text, "classes": "govuk-fieldset__legend--m"}},
            "items": [
                {"hint": {"text": descriptions[choice.value]}} if descriptions.get(choice.value) else {}
                for choice in field.choices
            ],
        }
        if not criterion.guidance:
            params["hint"] = None
        return params

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Put a service's errors (field name → message) at their fields."""
        for name, message in errors.items():
            if name in self:
                self[name].errors = [message]


def score_choices(criterion: Any, *, allow_not_applicable: bool) -> list[SelectChoice]:
    """The scale from its top to its bottom, labelled '5 – Strong', then 'Not applicable' where the call allows."""
    labels = {d.score: d.label for d in criterion.descriptors}
    choices = [
        SelectChoice(str(score), f"{score} – {labels[score]}" if labels.get(score) else str(score))
        for score in range(criterion.scale_max, criterion.scale_min - 1, -1)
    ]
    if allow_not_applicable:
        choices.append(SelectChoice(NOT_APPLICABLE, "Not applicable"))
    return choices


def scorecard_form(
    criteria: Iterable[Any], *, allow_not_applicable: bool, data: Mapping[str, Any] | None = None
) -> ScorecardForm:
    """The scorecard of a call with these criteria, in page order: per criterion a score (radios) and a
    justification, then the recommendation and a comment. `data` fills it on a GET (a POST reads the request)."""
    criteria = list(criteria)
    attributes: dict[str, Any] = {"criterion_ids": tuple(c.id for c in criteria)}
    for criterion in criteria:
        attributes[score_field(criterion.id)] = RadioField(
            f"{criterion.name} ({criterion.weight}% of the score)",
            description=criterion.guidance or "",
            choices=score_choices(criterion, allow_not_applicable=allow_not_applicable),
            validate_choice=False,  # the service names a score outside the scale in words
            widget=GovRadioInput(),
        )
        attributes[justification_field(criterion.id)] = TextAreaField(
            f"Why did you give this score for {criterion.name}?",
            description="You must explain every score before you submit your scorecard.",
            widget=GovCharacterCount(),
        )
    attributes["recommendation"] = RadioField(
        "What is your overall recommendation?",
        choices=[SelectChoice(r.value, label) for r, label in RECOMMENDATION_LABELS.items()],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    attributes["comment"] = TextAreaField(
        "Comments for the fund manager (optional)",
        description="Anything the panel should know, such as conditions you would attach to a grant.",
        widget=GovCharacterCount(),
    )
    form_class = type("CallScorecardForm", (ScorecardForm,), attributes)
    return form_class(data=data or {})  # type: ignore[no-any-return]
