"""Forms for programmes pages: giving a staff role limited to one of the funds or calls that exist."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.validators import ValidationError

from fundapp.accounts.forms import AssignRoleForm
from fundapp.programmes import queries
from fundapp.programmes.models import Fund

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
