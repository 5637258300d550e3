"""The one way a status changes: check the domain's transition table, set it, flush, audit who/when/what.

Each domain's services wrap this in a small `_move` that names its model and table (and adds what its audit
events carry); nothing else in the code base assigns `.status` (tests/unit/test_architecture.py).
"""

from __future__ import annotations

import enum
from typing import Any, Protocol

from fundapp.core.audit import record_event
from fundapp.core.errors import check_transition


class _HasId(Protocol):
    id: int


def move(
    obj: Any,
    target: enum.Enum,
    *,
    model: str,
    table: dict[enum.Enum, frozenset[enum.Enum]],
    actor: _HasId | None,
    action: str,
    data: dict[str, Any] | None = None,
) -> enum.Enum:
    """Move obj.status to target if the table allows it (else InvalidTransition), flush, and record an audit event
    with the action, the actor, "from" and "to" and data. Returns the previous status."""
    from fundapp.extensions import db

    previous: enum.Enum = obj.status
    check_transition(model, table, previous, target)
    obj.status = target
    db.session.flush()
    record_event(action, actor=actor, subject=obj, data={"from": previous.value, "to": target.value, **(data or {})})
    return previous
