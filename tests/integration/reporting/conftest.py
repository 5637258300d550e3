"""Reporting test setups: an offer accepted through the services, on an application with a budget and targets."""

from __future__ import annotations

from tests.factories import give_budget_and_targets
from tests.integration.awards.offers import Offer, accept, make_offer


def accepted_offer(**offer_args: object) -> Offer:
    """An award accepted by its owner (so its reports are scheduled), made on an application with a two-line budget
    and a target for each of the default metrics."""
    offer = make_offer(**offer_args)  # type: ignore[arg-type]
    give_budget_and_targets(offer.award.application)
    accept(offer)
    return offer
