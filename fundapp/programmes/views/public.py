"""Public pages where applicants find calls: the open and upcoming calls, and each call's prospectus."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import render_template

from fundapp.core.auth import public
from fundapp.core.clock import utcnow
from fundapp.programmes import bp, queries
from fundapp.programmes.models import Round
from fundapp.programmes.states import QuestionType, call_phase

_BLANK_LINE = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Document:
    """A document applicants must upload, and the files the form accepts for it."""

    label: str
    hint: str
    accepts: str


@bp.get("/calls")
@public
def calls():
    now = utcnow()
    rounds = queries.list_public_rounds(now=now)
    return render_template(
        "programmes/calls.html",
        open_rounds=[r for r in rounds if r.opens_at <= now],
        upcoming_rounds=[r for r in rounds if r.opens_at > now],
        title="Funding calls",
    )


@bp.get("/calls/<code>")
@public
def call(code: str):
    round_ = queries.get_public_round(code)
    return render_template(
        "programmes/call.html",
        round_=round_,
        phase=call_phase(round_, utcnow()),
        documents=required_documents(round_),
        title=round_.name,
    )


def required_documents(round_: Round) -> list[Document]:
    """The call's required documents in form order: its file questions named in round_.required_documents."""
    if round_.question_set is None:
        return []
    wanted = set(round_.required_documents)
    return [
        Document(label=q.label, hint=q.hint, accepts=_accepts(q.config))
        for section in round_.question_set.sections
        for q in section.questions
        if q.type == QuestionType.FILE and q.key in wanted
    ]


def _accepts(config: dict[str, Any]) -> str:
    """'PDF, DOCX or ODT, up to 10MB each (up to 3 files)' from a file question's config."""
    *first, last = [t.upper() for t in config["allowed_file_types"]]  # the schema requires at least one
    text = f"{', '.join(first)} or {last}" if first else last
    count = config.get("max_files", 1)
    text += f", up to {config['max_file_size_mb']}MB" + (" each" if count > 1 else "")
    return text + (f" (up to {count} files)" if count > 1 else "")


@bp.app_template_filter()
def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs on blank lines (the template escapes each one; never |safe)."""
    return [part.strip() for part in _BLANK_LINE.split((text or "").replace("\r\n", "\n")) if part.strip()]
