"""What follows every status change: flush it and audit who moved what from which status to which.

Each domain's services change a status in a small `_move` that checks its transition table
(core.errors.check_transition), assigns `.status` itself (only services.py files may:
tests/unit/test_architecture.py) and then calls record_transition.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol

from fundapp.core.audit import record_event


class _HasStatus(Protocol):
    id: int
    status: Any


class _HasId(Protocol):
    id: int


def record_transition(
    obj: _HasStatus,
    previous: enum.Enum,
    *,
    actor: _HasId | None,
    action: str,
    data: dict[str, Any] | None = None,
) -> None:
    """Flush obj's new status and record an audit event with the action, the actor, "from", "to" and data."""
    from fundapp.extensions import db

    db.session.flush()
    record_event(
        action, actor=actor, subject=obj, data={"from": previous.value, "to": obj.status.value, **(data or {})}
    )
