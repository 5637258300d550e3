"""What the awards domain announces to the domains above it (which it may not import): reporting schedules an
award's monitoring reports when it is accepted. Receivers run inside the sender's unit of work and flush, never
commit, so the acceptance and what follows from it are saved together or not at all."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent as award_accepted.send(award, actor=..., now=...) once the award is accepted and its status flushed.
award_accepted = _signals.signal("award-accepted")
