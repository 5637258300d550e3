"""Reference data shipped with the app (see NOTICE.md in this folder for sources and licences)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Borough:
    gss_code: str
    name: str
    geo_code_type: str


@cache
def london_boroughs() -> tuple[Borough, ...]:
    """The 33 London local authorities (32 boroughs and the City of London), sorted by name."""
    with (_HERE / "london-boroughs.csv").open(newline="", encoding="utf-8") as handle:
        rows = [Borough(r["gss_code"], r["name"], r["geo_code_type"]) for r in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda b: b.name))


def borough_name(gss_code: str | None) -> str:
    """The borough's name for a GSS code, or '' when unknown."""
    for borough in london_boroughs():
        if borough.gss_code == gss_code:
            return borough.name
    return ""


def is_borough_code(gss_code: str) -> bool:
    """True for one of the 33 London GSS codes."""
    return any(b.gss_code == gss_code for b in london_boroughs())
