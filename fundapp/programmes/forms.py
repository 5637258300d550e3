"""Forms for programmes pages: staff roles limited to a fund or call, and setting up a call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import wtforms
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from fundapp.accounts.forms import AssignRoleForm
from fundapp.accounts.states import LEGAL_TYPE_LABELS, LegalType
from fundapp.core.clock import london_to_utc, to_london
from fundapp.core.errors import DomainError
from fundapp.core.forms import DateInputField, Form, PoundsField, TimeOfDayField, add_domain_error
from fundapp.programmes import queries
from fundapp.programmes.models import Criterion, Fund, Round
from fundapp.programmes.payment_schedule import LABEL_MAX_CHARS, MAX_TRANCHES, Tranche
from fundapp.programmes.states import DEFAULT_DESCRIPTORS, TRIGGER_LABELS, PaymentTrigger, scale_label

SCOPE_NOT_FOUND = "Select a fund or call from the list"


def scope_choices(funds: Iterable[Fund]) -> list[tuple[str, str]]:
    """('fund:<id>', label) for each fund followed by ('round:<id>', label) for each of its calls."""
    choices: list[tuple[str, str]] = []
    for fund in funds:
        choices.append((f"fund:{fund.id}", f"{fund.name} (every call)"))
        # Call codes are unique across funds, so "<name> (<code>)" is never ambiguous.
        choices.extend((f"round:{r.id}", f"{r.name} ({r.code})") for r in fund.rounds)
    return choices


class StaffRoleForm(AssignRoleForm):
    """AssignRoleForm whose scope choices are the funds and calls that exist, checked again on submit."""

    def __init__(self, *args: Any, funds: Iterable[Fund] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_scope_choices(scope_choices(queries.list_funds() if funds is None else funds))
        # validate_scope explains the problem in words people understand (not "Not a valid choice").
        self.scope.validate_choice = False

    def validate_scope(self, field: Any) -> None:
        if not field.data:
            return
        fund_id, round_id = self.scope_ids()
        if fund_id is not None and queries.find_fund(fund_id) is not None:
            return
        if round_id is not None and queries.find_round(round_id) is not None:
            return
        raise ValidationError(SCOPE_NOT_FOUND)


# --- setting up a call ---------------------------------------------------------------------------------

CODE_HINT = "Up to 20 capital letters, numbers and hyphens, for example SEF-6"
TIME_HINT = "London time, for example 9am, midday or 17:30"
DATE_HINT = "For example, 2 3 2026"


class WholeNumberField(StringField):
    """A whole number typed as text ('50', '50%'), between low and high; `number` holds it once validated."""

    widget = GovTextInput()

    def __init__(self, label: str, *, low: int, high: int, invalid: str, blank: int | None = None, **kwargs: Any):
        super().__init__(label, **kwargs)
        self.low, self.high, self.invalid, self.blank = low, high, invalid, blank
        self.number: int | None = None

    def process_data(self, value: Any) -> None:
        self.data = str(value) if isinstance(value, int) else value

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").strip().rstrip("%").strip()
        if not text and self.blank is not None:
            self.number = self.blank
            return
        if not text.isdigit() or not self.low <= int(text) <= self.high:
            self.number = None
            raise StopValidation(self.invalid)
        self.number = int(text)


def _call_name_field() -> StringField:
    return StringField(
        "Call name",
        description="For example, Shared Endeavour Fund Call 6",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the call's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )


def _description_field(hint: str, *, max_chars: int) -> TextAreaField:
    """An optional description of up to max_chars characters."""
    return TextAreaField(
        "Description (optional)",
        description=hint,
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=max_chars, message=f"The description must be {max_chars:,} characters or fewer"),
        ],
    )


class CallDetailsForm(Form):
    """What both creating and editing a call ask for. Dates and times are typed in London time."""

    code = StringField(
        "Call code",
        description=CODE_HINT,
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a code for the call"),
            Length(max=20, message="The code must be 20 characters or fewer"),
        ],
    )
    name = _call_name_field()
    summary = TextAreaField(
        "Summary (optional)",
        description="One or two sentences shown with the call in the list of calls",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=1000, message="The summary must be 1,000 characters or fewer")],
    )
    opens_on = DateInputField("Opening date", noun="the opening date", description=DATE_HINT)
    opens_time = TimeOfDayField("Opening time", noun="the opening time", description=TIME_HINT)
    closes_on = DateInputField("Closing date", noun="the closing date", description=DATE_HINT)
    closes_time = TimeOfDayField("Closing time", noun="the closing time", description=TIME_HINT)
    budget = PoundsField(
        "Budget",
        description="The total the call can award, for example £875,000",
        invalid="Enter the budget as an amount in pounds, like £875,000",
        validators=[InputRequired("Enter the call's budget")],
    )

    # Where a service's complaint about an argument is shown on this form.
    FIELD_FOR = {"opens_at": "opens_on", "closes_at": "closes_on", "budget_pence": "budget"}

    def show_stored(self, round_: Round) -> None:
        """Show a stored call's UTC times as London dates and times, and its budget in pounds (on GET)."""
        for day, clock, value in (
            (self.opens_on, self.opens_time, round_.opens_at),
            (self.closes_on, self.closes_time, round_.closes_at),
        ):
            local = to_london(value)
            day.data = local.date()
            clock.process_data(local.time())
        self.budget.process_data(round_.budget_pence)

    def opens_at(self) -> datetime:
        return london_to_utc(self.opens_on.data, self.opens_time.time)

    def closes_at(self) -> datetime:
        return london_to_utc(self.closes_on.data, self.closes_time.time)

    def add_error(self, exc: DomainError) -> None:
        """Show a service's refusal at the field it concerns (or as a page message)."""
        add_domain_error(self, exc, self.FIELD_FOR)


class CreateCallForm(CallDetailsForm):
    fund = SelectField(
        "Fund",
        description="The fund this call gives money from",
        choices=[],
        widget=GovSelect(),
        validators=[InputRequired("Select the fund this call belongs to")],
    )
    submit = SubmitField("Create call", widget=GovSubmitInput())

    def set_funds(self, funds: Iterable[Fund]) -> None:
        """The funds this person can create calls in; anything else is refused with a clear message."""
        self.fund.choices = [SelectChoice("", "Select a fund"), *(SelectChoice(str(f.id), f.name) for f in funds)]
        self.fund.validate_choice = False

    def validate_fund(self, field: Any) -> None:
        if field.data and field.data not in {choice.value for choice in self.fund.choices}:
            raise ValidationError("Select a fund from the list")


class EditCallForm(CallDetailsForm):
    description = _description_field(
        "What the call is for, who it is for and anything applicants must know", max_chars=20000
    )
    project_earliest_start = DateInputField(
        "Projects can start from (optional)",
        noun="the date projects can start from",
        required=False,
        description=DATE_HINT,
    )
    project_latest_end = DateInputField(
        "Projects must end by (optional)", noun="the date projects must end by", required=False, description=DATE_HINT
    )
    max_applications_per_organisation = WholeNumberField(
        "Applications each organisation can make",
        low=1,
        high=99,
        invalid="Enter the number of applications each organisation can make, a whole number like 1",
        widget=GovTextInput(),
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class _NamedItemForm(Form):
    """Adds one item to a list whose names are unique (a call's tiers or themes); `taken` are the names used."""

    item = "item"

    def __init__(self, *args: Any, taken: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taken = {name.strip().lower() for name in taken}

    def validate_name(self, field: Any) -> None:
        if field.data.strip().lower() in self.taken:
            raise ValidationError(f"There is already a {self.item} called {field.data.strip()}")


class TierForm(_NamedItemForm):
    item = "tier"

    name = StringField(
        "Tier name",
        description="For example, Tier 1",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a name for the tier"),
            Length(max=100, message="The name must be 100 characters or fewer"),
        ],
    )
    min_grant = PoundsField(
        "Smallest grant",
        invalid="Enter the smallest grant as an amount in pounds, like £10,000",
        validators=[InputRequired("Enter the smallest grant in this tier")],
    )
    max_grant = PoundsField(
        "Largest grant",
        invalid="Enter the largest grant as an amount in pounds, like £25,000",
        validators=[InputRequired("Enter the largest grant in this tier")],
    )
    match_funding_percent = WholeNumberField(
        "Match funding (optional)",
        description="The percentage of the project's cost that must come from elsewhere, for example 50. Leave "
        "blank if none is needed.",
        low=0,
        high=100,
        blank=0,
        invalid="Enter match funding as a whole number from 0 to 100, like 50",
    )
    submit = SubmitField("Add tier", widget=GovSubmitInput())


class ThemeForm(_NamedItemForm):
    item = "theme"

    name = StringField(
        "Theme",
        description="For example, Building psychosocial resilience",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the theme"),
            Length(max=150, message="The theme must be 150 characters or fewer"),
        ],
    )
    description = _description_field("What projects under this theme do", max_chars=2000)
    submit = SubmitField("Add theme", widget=GovSubmitInput())


def _scale_value(low: int, high: int) -> str:
    return f"{low}-{high}"


class CriterionForm(_NamedItemForm):
    """One scoring criterion, with what each point of its scale means.

    Every allowed scale has its own descriptor fields (a name and a description per point), pre-filled with that
    scale's defaults; the page reveals the chosen scale's fields, and only they are read. Without JavaScript all
    are shown, under their scale, and the others are ignored.
    """

    item = "criterion"

    name = StringField(
        "Criterion",
        description="For example, Need and evidence",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a name for the criterion"),
            Length(max=150, message="The name must be 150 characters or fewer"),
        ],
    )
    guidance = TextAreaField(
        "Guidance for assessors (optional)",
        description="What assessors should look for when they score this criterion",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000, message="The guidance must be 5,000 characters or fewer")],
    )
    weight = WholeNumberField(
        "Weight",
        low=1,
        high=100,
        invalid="Enter the weight as a whole number from 1 to 100, like 25",
    )
    # Choices are checked by validate_scale, in words (not "Not a valid choice").
    scale = RadioField(
        "Scale",
        description="The lowest and highest score an assessor can give",
        choices=[SelectChoice(_scale_value(low, high), scale_label(low, high)) for low, high in DEFAULT_DESCRIPTORS],
        default=_scale_value(1, 5),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Select the scale assessors score on")],
    )
    submit = SubmitField("Add criterion", widget=GovSubmitInput())

    @staticmethod
    def point_field_name(low: int, high: int, score: int, part: str) -> str:
        """The field holding one point's `label` or `description` on the low-to-high scale."""
        return f"scale_{low}_{high}_{part}_{score}"

    def points(self, low: int, high: int) -> list[tuple[int, Field, Field]]:
        """(score, label field, description field) for each point of a scale, highest first."""
        return [
            (
                score,
                getattr(self, self.point_field_name(low, high, score, "label")),
                getattr(self, self.point_field_name(low, high, score, "description")),
            )
            for score in range(high, low - 1, -1)
        ]

    def scales(self) -> list[tuple[tuple[int, int], list[tuple[int, Field, Field]]]]:
        """Each allowed scale, in the order of the choices, with its points' fields (for the page)."""
        return [(scale, self.points(*scale)) for scale in DEFAULT_DESCRIPTORS]

    def chosen_scale(self) -> tuple[int, int] | None:
        """(lowest, highest) of the chosen scale, or None when none of the allowed scales is chosen."""
        return next((scale for scale in DEFAULT_DESCRIPTORS if _scale_value(*scale) == self.scale.data), None)

    def validate_scale(self, field: Any) -> None:
        if self.chosen_scale() is None:
            raise ValidationError("Select a scale from the list")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        scale = self.chosen_scale()
        for score, label, _description in self.points(*scale) if scale else []:
            text = (label.data or "").strip()
            if not text:
                label.errors = [*label.errors, f"Enter a name for a score of {score}"]
            elif len(text) > 50:
                label.errors = [*label.errors, f"The name for a score of {score} must be 50 characters or fewer"]
            valid = valid and not label.errors
        return valid

    def descriptors(self) -> list[tuple[int, str, str]]:
        """(score, name, description) of each point of the chosen scale, highest first (once validated)."""
        scale = self.chosen_scale()
        return [
            (score, label.data.strip(), (description.data or "").strip())
            for score, label, description in (self.points(*scale) if scale else [])
        ]

    def show_stored(self, criterion: Criterion) -> None:
        """Show a stored criterion (on GET): its scale chosen, with its descriptors in that scale's fields."""
        self.scale.data = _scale_value(criterion.scale_min, criterion.scale_max)
        stored = {d.score: d for d in criterion.descriptors}
        for score, label, description in self.points(criterion.scale_min, criterion.scale_max):
            if score in stored:
                label.data, description.data = stored[score].label, stored[score].description


for (_low, _high), _defaults in DEFAULT_DESCRIPTORS.items():
    for _score, _label, _description in _defaults:
        setattr(
            CriterionForm,
            CriterionForm.point_field_name(_low, _high, _score, "label"),
            StringField(f"Score {_score}: name", default=_label, widget=GovTextInput()),
        )
        setattr(
            CriterionForm,
            CriterionForm.point_field_name(_low, _high, _score, "description"),
            StringField(f"Score {_score}: what it means (optional)", default=_description, widget=GovTextInput()),
        )


class EligibilityForm(Form):
    # Choices are not checked here: the service names anything unknown in words (not "Not a valid choice").
    eligible_legal_types = SelectMultipleField(
        "Which types of organisation can apply?",
        description="Select all that apply",
        choices=[SelectChoice(t.value, LEGAL_TYPE_LABELS[t]) for t in LegalType],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    required_documents = SelectMultipleField(
        "Which documents must every application include?",
        description="Applications without these files are ineligible. Select all that apply.",
        choices=[],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save eligibility", widget=GovSubmitInput())

    def set_file_questions(self, questions: Iterable[tuple[str, str]]) -> None:
        """(key, label) of each file upload question on the call's application form."""
        self.required_documents.choices = [SelectChoice(key, label) for key, label in questions]


class CopyFromCallForm(Form):
    """Choose another call to copy from; the view lists the calls the person may see."""

    from_round = SelectField(
        "Copy from",
        choices=[],
        widget=GovSelect(),
        validators=[InputRequired("Select the call to copy from")],
    )
    submit = SubmitField("Copy", widget=GovSubmitInput())

    def set_calls(self, rounds: Iterable[Round], *, default: Round | None) -> None:
        self.from_round.choices = [SelectChoice(str(r.id), f"{r.name} ({r.code})") for r in rounds]
        self.from_round.validate_choice = False
        if self.from_round.data is None and default is not None:
            self.from_round.data = str(default.id)

    def validate_from_round(self, field: Any) -> None:
        if field.data not in {choice.value for choice in self.from_round.choices}:
            raise ValidationError("Select a call from the list")

    def chosen_id(self) -> int:
        return int(self.from_round.data)


def previous_call(rounds: Iterable[Round], current: Round) -> Round | None:
    """The call of the same fund that opened most recently before this one (or any other of its calls)."""
    same_fund = [r for r in rounds if r.fund_id == current.fund_id and r.id != current.id]
    earlier = [r for r in same_fund if r.opens_at < current.opens_at]
    candidates = earlier or same_fund
    return max(candidates, key=lambda r: (r.opens_at, r.id), default=None)


class FundForm(Form):
    """A new fund: the money calls give out (e.g. the Shared Endeavour Fund, code SEF)."""

    code = StringField(
        "Fund code",
        description="Up to 20 capital letters, digits and hyphens, like SEF. Call codes and references start with it.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a code for the fund"),
            Length(max=20, message="The code must be 20 characters or fewer"),
        ],
    )
    name = StringField(
        "Fund name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the fund's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    description = _description_field("What the fund is for, in a sentence or two. Applicants see it.", max_chars=2000)
    submit = SubmitField("Create fund", widget=GovSubmitInput())


# --- how a call is assessed ----------------------------------------------------------------------------


class YesNoField(RadioField):
    """Yes/no radios for a boolean setting; `data` is "yes" or "no" (a stored bool is shown as one of them)."""

    def __init__(self, label: str, *, missing: str, **kwargs: Any) -> None:
        super().__init__(
            label,
            choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
            validate_choice=False,
            widget=GovRadioInput(),
            validators=[InputRequired(missing)],
            **kwargs,
        )
        self.missing = missing

    def process_data(self, value: Any) -> None:
        self.data = ("yes" if value else "no") if isinstance(value, bool) else value

    def pre_validate(self, form: Any) -> None:
        if self.data not in ("yes", "no"):
            raise StopValidation(self.missing)

    @property
    def chosen(self) -> bool:
        return self.data == "yes"


class OptionalTimeOfDayField(TimeOfDayField):
    """A time of day that may be left blank; the form decides whether it was needed."""

    def pre_validate(self, form: Any) -> None:
        if not (self.data or "").strip():
            self.time = None
            return
        super().pre_validate(form)


class AssessmentSettingsForm(Form):
    """How a call is assessed. Field names are the Round's (and AssessmentSettings'), so the service's refusals
    land on the field they concern. The deadline is typed in London time; both its date and time, or neither."""

    assessors_per_application = WholeNumberField(
        "Assessors for each application",
        description="How many assessors score each application, a whole number from 1 to 10. Auto-assign gives "
        "each application this many.",
        low=1,
        high=10,
        invalid="Enter the number of assessors for each application as a whole number from 1 to 10, like 2",
    )
    spread_points = WholeNumberField(
        "Disagreement on a criterion, in points",
        description="Flag an application for moderation when two assessors' scores on any criterion differ by at "
        "least this many points, for example 2",
        low=1,
        high=5,
        invalid="Enter the points as a whole number from 1 to 5, like 2",
    )
    spread_percent = WholeNumberField(
        "Disagreement overall, in percentage points",
        description="Flag an application for moderation when two assessors' overall scores differ by at least this "
        "many percentage points, for example 15",
        low=1,
        high=100,
        invalid="Enter the percentage points as a whole number from 1 to 100, like 15",
    )
    min_fundable_percent = WholeNumberField(
        "Minimum score to be funded",
        description="Applications scoring below this are not funded, even if money is left. Enter 0 for no minimum.",
        low=0,
        high=100,
        invalid="Enter the minimum score as a whole number from 0 to 100, like 60",
    )
    blind_review = YesNoField(
        "Hide who applied from assessors (blind review)?",
        description="Assessors see the answers about the project, but not the organisation's name or details.",
        missing="Select yes if assessors should not see who applied",
    )
    allow_not_applicable = YesNoField(
        "Can assessors mark a criterion as not applicable?",
        description="A criterion marked not applicable is left out of that assessor's score, instead of scoring 0.",
        missing="Select yes if assessors can mark a criterion as not applicable",
    )
    assessment_deadline = DateInputField(
        "Assessment deadline (optional)",
        noun="the assessment deadline",
        required=False,
        description="Scorecards not submitted by then are overdue, and their assessors can be emailed a reminder. "
        "It must be after the call closes. For example, 15 6 2026",
    )
    assessment_deadline_time = OptionalTimeOfDayField(
        "Time of the deadline",
        noun="the time of the assessment deadline",
        description=TIME_HINT,
    )
    submit = SubmitField("Save assessment settings", widget=GovSubmitInput())

    def show_stored(self, round_: Round) -> None:
        """Show a call's settings (on GET), its deadline as a London date and time."""
        for name in ("assessors_per_application", "spread_points", "spread_percent", "min_fundable_percent"):
            getattr(self, name).process_data(getattr(round_, name))
        self.blind_review.process_data(round_.blind_review)
        self.allow_not_applicable.process_data(round_.allow_not_applicable)
        if round_.assessment_deadline is not None:
            local = to_london(round_.assessment_deadline)
            self.assessment_deadline.data = local.date()
            self.assessment_deadline_time.process_data(local.time())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        day, clock = self.assessment_deadline, self.assessment_deadline_time
        if day.data is not None and clock.time is None and not clock.errors:
            clock.errors = [*clock.errors, "Enter the time of the assessment deadline, like 5pm"]
        if day.data is None and clock.time is not None and not day.errors:
            day.errors = [*day.errors, "Enter the date of the assessment deadline, or clear the time"]
        return valid and not day.errors and not clock.errors

    def deadline(self) -> datetime | None:
        """The deadline as a UTC instant, or None when none is set (once validated)."""
        if self.assessment_deadline.data is None or self.assessment_deadline_time.time is None:
            return None
        return london_to_utc(self.assessment_deadline.data, self.assessment_deadline_time.time)


# --- a call's payment schedule ------------------------------------------------------------------------------


class TrancheRowForm(wtforms.Form):
    """One row of the payment schedule (a sub-form: the page's form carries the CSRF token)."""

    label = StringField("Name", widget=GovTextInput())
    percent = StringField("Share of the award", widget=GovTextInput())
    trigger = SelectField(
        "When it is paid",
        widget=GovSelect(),
        choices=[
            SelectChoice("", "Choose when"),
            *(SelectChoice(trigger.value, label) for trigger, label in TRIGGER_LABELS.items()),
        ],
        validate_choice=False,
    )

    @property
    def blank(self) -> bool:
        return not (self.label.data or "").strip() and not str(self.percent.data or "").strip()


class PaymentScheduleForm(Form):
    """Up to MAX_TRANCHES rows of (name, percentage, when). Blank rows are ignored; each row's shape is checked here
    (a name, a whole percentage, a choice of when), and the schedule as a whole by the service (adds up to 100%,
    the first payment on acceptance)."""

    tranches = FieldList(FormField(TrancheRowForm), min_entries=MAX_TRANCHES, max_entries=MAX_TRANCHES)
    submit = SubmitField("Save payment schedule", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        for number, entry in enumerate(self.tranches, start=1):
            row = entry.form
            if row.blank:
                continue
            _check_tranche_row(row, number)
            valid = valid and not (row.label.errors or row.percent.errors or row.trigger.errors)
        # FieldList gathers its entries' errors while validating: gather them again with the rows' own checks.
        entry_errors = [entry.errors for entry in self.tranches]
        self.tranches.errors = entry_errors if any(entry_errors) else []
        return valid

    def tranche_list(self) -> list[Tranche]:
        """The rows that were filled in, as Tranches (once validated)."""
        return [
            Tranche(
                row.label.data.strip(),
                int(str(row.percent.data).strip().rstrip("%").strip()),
                PaymentTrigger(row.trigger.data),
            )
            for row in (entry.form for entry in self.tranches)
            if not row.blank
        ]


def _check_tranche_row(row: TrancheRowForm, number: int) -> None:
    label = (row.label.data or "").strip()
    if not label:
        row.label.errors = [*row.label.errors, f"Enter a name for payment {number}"]
    elif len(label) > LABEL_MAX_CHARS:
        row.label.errors = [
            *row.label.errors,
            f"The name of payment {number} must be {LABEL_MAX_CHARS} characters or fewer",
        ]
    percent = str(row.percent.data or "").strip().rstrip("%").strip()
    if not percent.isdigit() or not 1 <= int(percent) <= 100:
        row.percent.errors = [
            *row.percent.errors,
            f"Enter payment {number}'s share of the award as a whole number from 1 to 100, like 50",
        ]
    if row.trigger.data not in {t.value for t in PaymentTrigger}:
        row.trigger.errors = [*row.trigger.errors, f"Select when payment {number} is paid"]
