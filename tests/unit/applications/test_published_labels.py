"""What an applicant reads about a decided application: nothing of the decision until the outcomes are published,
and then the same words as the awards domain uses."""

from __future__ import annotations

import pytest

from fundapp.applications.states import (
    APPLICANT_LABELS,
    DECIDED,
    PUBLISHED_LABELS,
    ApplicationStatus,
    applicant_label,
    applicant_tag_class,
)
from fundapp.awards.states import OUTCOME_APPLICANT_LABELS, Outcome


@pytest.mark.parametrize("status", sorted(DECIDED))
def test_a_decision_reads_as_being_assessed_in_blue_until_published(status: ApplicationStatus) -> None:
    assert applicant_label(status, outcomes_published=False) == "Submitted – being assessed"
    assert applicant_tag_class(status, outcomes_published=False) == "govuk-tag--blue"


def test_published_labels_are_the_awards_domains_words_for_each_outcome() -> None:
    assert set(PUBLISHED_LABELS) == set(DECIDED)
    for outcome in Outcome:
        status = ApplicationStatus(outcome.value)
        assert applicant_label(status, outcomes_published=True) == OUTCOME_APPLICANT_LABELS[outcome]


@pytest.mark.parametrize("status", sorted(set(ApplicationStatus) - DECIDED))
def test_undecided_statuses_read_the_same_whether_or_not_outcomes_are_published(status: ApplicationStatus) -> None:
    assert applicant_label(status, outcomes_published=True) == APPLICANT_LABELS[status]
    assert applicant_label(status, outcomes_published=False) == APPLICANT_LABELS[status]
