"""Forms for the grantee's monitoring report pages, and how a posted section is read.

A section page's inputs are built from the call's metrics and the application's budget, so they are read straight
from the posted data in the shape `content.check_section` expects (what was typed, kept even when wrong); the
WTForms form carries only the version the page was showing (and the CSRF token). Field names are the ones
`content` names its errors by: content.metric_field(key), content.spend_field(index), "delivered", "changes",
"boroughs", so every message lands at its input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from fundapp.core.forms import Form
from fundapp.reporting import content

# Far beyond any word limit: stops a pasted novel filling the database, never a real answer.
MAX_TYPED_CHARS = 5 * content.TEXT_MAX_CHARS
MAX_NUMBER_CHARS = 100
MAX_CHOICES = 100
EDITABLE_SECTIONS = ("results", "delivery", "spending", "places")

_VERSION = [
    InputRequired("Reload the page and try again"),
    Regexp(r"^\d{1,9}$", message="Reload the page and try again"),
]


class ReportSectionForm(Form):
    """The envelope of a section page: the version of the report the page was showing when it was loaded."""

    version = HiddenField(validators=_VERSION)


class SubmitReportForm(Form):
    """Submitting the report as checked on the page (its version travels with it)."""

    version = HiddenField(validators=_VERSION)


class EvidenceForm(Form):
    """One evidence file (its type, size and contents are checked by the service)."""

    evidence = FileField("Upload a file", validators=[FileRequired("Select a file to upload")])


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


def _text(value: Any, limit: int) -> str:
    return str(value or "")[:limit]


def read_typed(section: str, formdata: FormData, ctx: content.ReportContext) -> dict[str, Any]:
    """What was typed on a posted section page, in the report's raw shape (never fails; unknown inputs ignored)."""
    if section == "results":
        return {
            "metrics": {
                m.key: _text(formdata.get(content.metric_field(m.key)), MAX_NUMBER_CHARS).strip() for m in ctx.metrics
            }
        }
    if section == "delivery":
        return {name: _text(formdata.get(name), MAX_TYPED_CHARS) for name in ("delivered", "changes")}
    if section == "spending":
        return {
            "spend": {
                str(index): _text(formdata.get(content.spend_field(index)), MAX_NUMBER_CHARS).strip()
                for index in range(len(ctx.budget))
            }
        }
    if section == "places":
        chosen = [_text(code, 20).strip() for code in formdata.getlist("boroughs")]
        return {"boroughs": list(dict.fromkeys(code for code in chosen if code))[:MAX_CHOICES]}
    raise KeyError(section)


def field_values(section: str, raw: Mapping[str, Any], ctx: content.ReportContext) -> dict[str, Any]:
    """What to show in each input of a section, by field name, from what was typed (blank when nothing was)."""
    if section == "results":
        metrics = raw.get("metrics") or {}
        return {content.metric_field(m.key): str(metrics.get(m.key) or "") for m in ctx.metrics}
    if section == "delivery":
        return {name: str(raw.get(name) or "") for name in ("delivered", "changes")}
    if section == "spending":
        spend = raw.get("spend") or {}
        return {content.spend_field(index): str(spend.get(str(index)) or "") for index in range(len(ctx.budget))}
    if section == "places":
        boroughs = raw.get("boroughs")
        return {"boroughs": [str(code) for code in boroughs] if isinstance(boroughs, list) else []}
    return {}


def section_started(section: str, raw: Mapping[str, Any], ctx: content.ReportContext) -> bool:
    """Whether anything has been typed in the section (its task shows "In progress" until it is complete)."""
    return any(value not in ("", [], None) for value in field_values(section, raw, ctx).values())
