"""Forms for the moderation pages: moderating one application, and the ranking's filters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from fractions import Fraction
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSelect, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import Form as UnprotectedForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from fundapp.assessment.fields import moderated_score_field, moderation_reason_field
from fundapp.assessment.ranking import FLAG_FILTERS, RankingFilters
from fundapp.assessment.scoring import format_points
from fundapp.core.forms import Form
from fundapp.core.reference import borough_name


class ModerationForm(Form):
    """A moderated score and its reason per criterion (added by moderation_form), and a note.

    The scores, reasons and note are checked by services.resolve_moderation, which names the field of each problem:
    the page then shows every problem at once, at its field.
    """

    note = TextAreaField(
        "Moderation note",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Resolve moderation", widget=GovSubmitInput())

    criterion_ids: tuple[int, ...] = ()

    def score_field(self, criterion_id: int) -> Any:
        return self[moderated_score_field(criterion_id)]

    def reason_field(self, criterion_id: int) -> Any:
        return self[moderation_reason_field(criterion_id)]

    def entries(self) -> dict[int, tuple[str, str]]:
        """Criterion id → (the score chosen, "" to keep the mean; the reason typed)."""
        return {
            cid: (self.score_field(cid).data or "", self.reason_field(cid).data or "") for cid in self.criterion_ids
        }

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Put each of the service's errors at its field; return those that belong to no field."""
        unplaced = []
        for name, message in errors.items():
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                unplaced.append(message)
        return unplaced


def _score_choices(criterion: Any, mean: Fraction | None) -> list[SelectChoice]:
    labels = {d.score: d.label for d in criterion.descriptors}
    keep = f"Keep the mean ({format_points(mean)})" if mean is not None else "Keep it not applicable"
    return [
        SelectChoice("", keep),
        *(
            SelectChoice(str(score), f"{score} – {labels[score]}" if score in labels else str(score))
            for score in range(criterion.scale_max, criterion.scale_min - 1, -1)
        ),
    ]


def moderation_form(criteria: Sequence[Any], means: Mapping[int, Fraction | None]) -> ModerationForm:
    """The moderation form of a call with these criteria: a score select (blank keeps the assessors' mean) and a
    reason per criterion, named by fields.moderated_score_field and fields.moderation_reason_field."""
    attributes: dict[str, Any] = {"criterion_ids": tuple(c.id for c in criteria)}
    for criterion in criteria:
        attributes[moderated_score_field(criterion.id)] = SelectField(
            f"Moderated score for {criterion.name}",
            choices=_score_choices(criterion, means.get(criterion.id)),
            validate_choice=False,  # the service names a score outside the scale in words
            widget=GovSelect(),
        )
        attributes[moderation_reason_field(criterion.id)] = TextAreaField(
            f"Reason for the moderated score on {criterion.name}", widget=GovCharacterCount()
        )
    form_class = type("CallModerationForm", (ModerationForm,), attributes)
    return form_class()  # type: ignore[no-any-return]


# --- the ranking's filters (a GET form: it changes nothing, so it has no CSRF token) ---------------------------


class RankingFiltersForm(UnprotectedForm):
    """Which rows of the ranking to show. A value that is not in the list is reported and ignored."""

    theme = SelectField("Theme", validate_choice=False, widget=GovSelect())
    tier = SelectField("Tier", validate_choice=False, widget=GovSelect())
    borough = SelectField("Borough", validate_choice=False, widget=GovSelect())
    flag = SelectField(
        "Flagged for moderation",
        choices=[SelectChoice(value, label) for value, label in FLAG_FILTERS.items()],
        validate_choice=False,
        widget=GovSelect(),
    )

    def __init__(
        self,
        formdata: MultiDict[str, str],
        *,
        themes: Iterable[str],
        tiers: Iterable[tuple[int, str]],
        boroughs: Iterable[str],
    ) -> None:
        super().__init__(formdata)
        self.theme.choices = [SelectChoice("", "Any"), *(SelectChoice(name, name) for name in themes)]
        self.tier.choices = [SelectChoice("", "Any"), *(SelectChoice(str(i), name) for i, name in tiers)]
        named = sorted((borough_name(code) or code, code) for code in boroughs)
        self.borough.choices = [SelectChoice("", "Any"), *(SelectChoice(code, name) for name, code in named)]

    @staticmethod
    def _check(field: Any, message: str) -> None:
        if (field.data or "") not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    def validate_theme(self, field: Any) -> None:
        self._check(field, "Choose a theme from the list")

    def validate_tier(self, field: Any) -> None:
        self._check(field, "Choose a tier from the list")

    def validate_borough(self, field: Any) -> None:
        self._check(field, "Choose a borough from the list")

    def validate_flag(self, field: Any) -> None:
        self._check(field, "Choose any, flagged or not flagged")

    def filters(self) -> RankingFilters:
        """The filters to apply (after validate): anything not in its list counts as any."""
        names = [f.name for f in fields(RankingFilters)]
        return RankingFilters(**{name: "" if self[name].errors else (self[name].data or "") for name in names})
