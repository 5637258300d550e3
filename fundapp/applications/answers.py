"""Answers to the questions of a call's form: read from a posted page, checked, and shown back.

Pure functions, no database. A question is anything with `key`, `type`, `label`, `required` and `config`
(the ORM Question or a plain stand-in). An answer has two forms:

- raw: exactly what the person typed, kept even when it is wrong so nothing is ever lost
  (a string; a list of strings for choices and boroughs; {"day", "month", "year"} for a date;
  a list of {"category", "description", "amount"} lines for a budget table);
- value: the checked, normalised answer (pence, ISO date, whole number, choice values), None while invalid.

check_answer() gives (value, error) for one question on its own; check_section() adds the rules that look
at other answers (dates in order, totals that must match, amounts inside a tier, match funding).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from email_validator import EmailNotValidError, validate_email

from fundapp.accounts.formats import normalise_phone, normalise_website
from fundapp.core.clock import format_date
from fundapp.core.money import MoneyParseError, format_pence, parse_pounds
from fundapp.core.reference import borough_name, is_borough_code
from fundapp.programmes.states import QuestionType

MAX_TEXT_CHARS = 50_000  # a hard cap on any one text answer, whatever its word limit
# Far above any grant, yet exact through decimal parsing (28 digits) and inside a 64-bit pence column.
MAX_PENCE = 100_000_000_000_000  # £1 trillion
_WORD_RE = re.compile(r"\S+")
_WHOLE_NUMBER_RE = re.compile(r"^-?\d+$")
_DATE_PARTS = ("day", "month", "year")
_BUDGET_FIELDS = ("category", "description", "amount")
_SELECTION_TYPES = {QuestionType.MULTIPLE_CHOICE, QuestionType.THEMES, QuestionType.BOROUGHS}


class QuestionLike(Protocol):
    key: str
    type: QuestionType
    label: str
    required: bool
    config: dict[str, Any]


@dataclass(frozen=True)
class TierRule:
    name: str
    min_pence: int
    max_pence: int
    match_funding_percent: int = 0


@dataclass(frozen=True)
class FormContext:
    """What answers are checked against besides the question: the call's tiers, themes and project window."""

    tiers: tuple[TierRule, ...] = ()
    themes: tuple[tuple[str, str], ...] = ()  # (value, name): value is the theme's id as text
    project_earliest_start: date | None = None
    project_latest_end: date | None = None
    attachment_counts: Mapping[str, int] = field(default_factory=dict)

    def tier_for(self, pence: int | None) -> TierRule | None:
        """The tier an amount falls in, or None."""
        if pence is None:
            return None
        return next((t for t in self.tiers if t.min_pence <= pence <= t.max_pence), None)


# --- parsers shared with other domains (reports reuse them) -------------------------------------------


def count_words(text: str) -> int:
    """Words as GOV.UK's character count counts them: runs of non-space characters."""
    return len(_WORD_RE.findall(text or ""))


class DateParseError(ValueError):
    """The day, month and year do not make a real date; the message says what is wrong."""


def parse_date_parts(day: str, month: str, year: str) -> date:
    """A GOV.UK date input's three boxes as a date; raises DateParseError with a message for the person."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [name for name, text in parts.items() if not text]
    if len(missing) == 3:
        raise DateParseError("Enter a date")
    if missing:
        raise DateParseError("Date must include a " + " and ".join(missing))
    if not all(text.isdigit() for text in parts.values()):
        raise DateParseError("Date must be a real date, using numbers, like 27 3 2027")
    if len(parts["year"]) != 4:
        raise DateParseError("Year must include 4 numbers")
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except (ValueError, OverflowError) as exc:  # a day like 99999999999999999999 overflows
        raise DateParseError("Date must be a real date") from exc


def parse_whole_number(text: str) -> int:
    """'1,250' or ' 1250 ' as 1250; raises ValueError for fractions, words or anything else."""
    cleaned = text.strip().replace(",", "")
    if not _WHOLE_NUMBER_RE.fullmatch(cleaned) or len(cleaned) > 12:
        raise ValueError(text)
    return int(cleaned)


# --- reading a posted page -----------------------------------------------------------------------------


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


def read_raw(question: QuestionLike, formdata: FormData) -> Any:
    """What the person typed for a question on a posted page, in the question's raw shape (never fails)."""
    key = question.key
    qtype = QuestionType(question.type)
    if qtype == QuestionType.DATE:
        return {part: _text(formdata.get(f"{key}-{part}")) for part in _DATE_PARTS}
    if qtype in _SELECTION_TYPES:
        return [_text(value) for value in formdata.getlist(key) if _text(value)][:100]
    if qtype == QuestionType.BUDGET_TABLE:
        columns = {name: formdata.getlist(f"{key}-{name}") for name in _BUDGET_FIELDS}
        count = max((len(values) for values in columns.values()), default=0)
        lines = [
            {name: _text(columns[name][i]) if i < len(columns[name]) else "" for name in _BUDGET_FIELDS}
            for i in range(min(count, 200))
        ]
        return [line for line in lines if any(value.strip() for value in line.values())]
    if qtype == QuestionType.FILE:
        return None  # files are attachments, saved on their own
    return _text(formdata.get(key))


def _text(value: Any) -> str:
    # One character over the cap, so an answer that was cut shows as too long instead of passing shortened.
    return str(value)[: MAX_TEXT_CHARS + 1] if value is not None else ""


def is_empty(raw: Any) -> bool:
    """Nothing was given (blank text, no choices, blank date, no budget lines)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, dict):
        return not any(str(v).strip() for v in raw.values())
    if isinstance(raw, list):
        return not raw
    return False


# --- checking one answer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    value: Any = None
    error: str | None = None


_MISSING = {
    QuestionType.SHORT_TEXT: "Enter your answer",
    QuestionType.LONG_TEXT: "Enter your answer",
    QuestionType.NUMBER: "Enter a number",
    QuestionType.MONEY: "Enter an amount",
    QuestionType.DATE: "Enter a date",
    QuestionType.YES_NO: "Select yes or no",
    QuestionType.SINGLE_CHOICE: "Select an option",
    QuestionType.MULTIPLE_CHOICE: "Select at least one option",
    QuestionType.THEMES: "Select at least one theme",
    QuestionType.BOROUGHS: "Select at least one borough",
    QuestionType.EMAIL: "Enter an email address",
    QuestionType.PHONE: "Enter a telephone number",
    QuestionType.URL: "Enter a web address",
    QuestionType.FILE: "Upload a file",
    QuestionType.BUDGET_TABLE: "Add at least one line to your budget",
    QuestionType.ORGANISATION_PROFILE: "Confirm your organisation's details are correct, or change them first",
}


_VERBS = {
    **dict.fromkeys(
        (
            QuestionType.SHORT_TEXT,
            QuestionType.LONG_TEXT,
            QuestionType.NUMBER,
            QuestionType.MONEY,
            QuestionType.DATE,
            QuestionType.EMAIL,
            QuestionType.PHONE,
            QuestionType.URL,
        ),
        "Enter",
    ),
    **dict.fromkeys(
        (
            QuestionType.YES_NO,
            QuestionType.SINGLE_CHOICE,
            QuestionType.MULTIPLE_CHOICE,
            QuestionType.THEMES,
            QuestionType.BOROUGHS,
        ),
        "Select",
    ),
    QuestionType.FILE: "Upload",
}


def error_name(question: QuestionLike) -> str:
    """What the answer is, for messages ('the date your project will start'), or '' when the form says nothing."""
    return str(getattr(question, "error_name", "") or "")


def missing_message(question: QuestionLike) -> str:
    """The message for a required question left empty: 'Enter the date your project will start', or generic."""
    qtype = QuestionType(question.type)
    name = error_name(question)
    if name and qtype in _VERBS:
        return f"{_VERBS[qtype]} {name}"
    return _MISSING[qtype]


def _subject(question: QuestionLike, default: str) -> str:
    """The start of a sentence about the answer: 'The date your project will start', or the default."""
    name = error_name(question)
    return name[:1].upper() + name[1:] if name else default


def check_answer(question: QuestionLike, raw: Any, ctx: FormContext) -> Checked:
    """Check one answer on its own. An empty optional answer is fine (value None, no error)."""
    qtype = QuestionType(question.type)
    if qtype == QuestionType.FILE:
        count = ctx.attachment_counts.get(question.key, 0)
        if count == 0:
            return Checked(None, missing_message(question) if question.required else None)
        return Checked(count)
    if is_empty(raw):
        return Checked(None, missing_message(question) if question.required else None)
    try:
        return Checked(_CHECKERS[qtype](question, raw, ctx))
    except AnswerError as exc:
        return Checked(None, str(exc))


class AnswerError(ValueError):
    """An answer that is not acceptable; the message is shown at the question."""


def _short_text(question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
    text = str(raw).strip()
    limit = question.config.get("max_length", 500)
    if len(text) > limit:
        raise AnswerError(f"Your answer must be {limit:,} characters or fewer (it has {len(text):,})")
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text


def _long_text(question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
    text = str(raw).strip()
    limit = question.config["word_limit"]
    if len(text) > MAX_TEXT_CHARS:
        raise AnswerError(f"Your answer must be {MAX_TEXT_CHARS:,} characters or fewer")
    words = count_words(text)
    if words > limit:
        raise AnswerError(f"Your answer must be {limit:,} words or fewer (it has {words:,})")
    return text


def _number(question: QuestionLike, raw: Any, _ctx: FormContext) -> int:
    try:
        number = parse_whole_number(str(raw))
    except ValueError as exc:
        raise AnswerError("Enter a whole number, like 25") from exc
    low, high = question.config.get("min"), question.config.get("max")
    if low is not None and number < low:
        raise AnswerError(f"{_subject(question, 'The number')} must be {low:,} or more")
    if high is not None and number > high:
        raise AnswerError(f"{_subject(question, 'The number')} must be {high:,} or fewer")
    return number


def _money(question: QuestionLike, raw: Any, ctx: FormContext) -> int:
    try:
        pence = parse_pounds(str(raw))
    except MoneyParseError as exc:
        raise AnswerError("Enter an amount in pounds, like £12,500 or 12500.50") from exc
    low, high = question.config.get("min_pence"), question.config.get("max_pence")
    high = MAX_PENCE if high is None else min(high, MAX_PENCE)
    if low is not None and pence < low:
        raise AnswerError(
            f"{_subject(question, 'The amount')} must be {format_pence(low)} or more" if low else "Enter an amount"
        )
    if high is not None and pence > high:
        raise AnswerError(f"{_subject(question, 'The amount')} must be {format_pence(high)} or less")
    if question.config.get("within_tier") and ctx.tiers and ctx.tier_for(pence) is None:
        raise AnswerError(
            f"{_subject(question, 'The amount')} must be within one of the grant sizes: " + tier_ranges(ctx.tiers)
        )
    return pence


def tier_ranges(tiers: Sequence[TierRule]) -> str:
    """'£10,000 to £25,000, or £25,001 to £50,000'."""
    ranges = [f"{format_pence(t.min_pence)} to {format_pence(t.max_pence)}" for t in tiers]
    return ", or ".join([", ".join(ranges[:-1]), ranges[-1]]) if len(ranges) > 1 else "".join(ranges)


def _date(question: QuestionLike, raw: Any, ctx: FormContext) -> str:
    parts = raw if isinstance(raw, dict) else {}
    try:
        day = parse_date_parts(*(str(parts.get(p, "")) for p in _DATE_PARTS))
    except DateParseError as exc:
        message = str(exc)
        if message.startswith("Date ") and error_name(question):  # GOV.UK: "The date … must include a year"
            message = _subject(question, "Date") + message[4:]
        raise AnswerError(message) from exc
    if ctx.project_earliest_start and day < ctx.project_earliest_start:
        raise AnswerError(
            f"{_subject(question, 'The date')} must be on or after {format_date(ctx.project_earliest_start)}"
        )
    if ctx.project_latest_end and day > ctx.project_latest_end:
        raise AnswerError(
            f"{_subject(question, 'The date')} must be on or before {format_date(ctx.project_latest_end)}"
        )
    return day.isoformat()


def _yes_no(question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
    if not isinstance(raw, str) or raw not in {"yes", "no"}:
        raise AnswerError("Select yes or no")
    if raw == "no" and question.config.get("must_answer_yes"):
        raise AnswerError("You can only submit your application if you can confirm this")
    return str(raw)


def _single_choice(question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
    if not isinstance(raw, str) or raw not in {choice["value"] for choice in question.config["choices"]}:
        raise AnswerError("Select one of the options")
    return str(raw)


def _selection(question: QuestionLike, chosen: Any, allowed: Iterable[str], noun: str) -> list[str]:
    if not isinstance(chosen, list) or not all(isinstance(value, str) for value in chosen):
        raise AnswerError("Choose only from the list: " + noun + "s not on it cannot be saved")
    allowed_values = list(allowed)
    picked = [value for value in allowed_values if value in set(chosen)]  # the form's order, no repeats
    if len(picked) != len(set(chosen)):
        raise AnswerError("Choose only from the list: " + noun + "s not on it cannot be saved")
    low, high = question.config.get("min_selections"), question.config.get("max_selections")
    if low and len(picked) < low:
        raise AnswerError(f"Select at least {low} {noun}{'s' if low > 1 else ''}")
    if high and len(picked) > high:
        raise AnswerError(f"Select no more than {high} {noun}{'s' if high > 1 else ''}")
    return picked


def _multiple_choice(question: QuestionLike, raw: Any, _ctx: FormContext) -> list[str]:
    return _selection(question, raw, (c["value"] for c in question.config["choices"]), "option")


def _themes(question: QuestionLike, raw: Any, ctx: FormContext) -> list[str]:
    return _selection(question, raw, (value for value, _name in ctx.themes), "theme")


def _boroughs(question: QuestionLike, raw: Any, _ctx: FormContext) -> list[str]:
    from fundapp.core.reference import london_boroughs

    if not isinstance(raw, list) or not all(isinstance(code, str) and is_borough_code(code) for code in raw):
        raise AnswerError("Select boroughs from the list")
    return _selection(question, raw, (b.gss_code for b in london_boroughs()), "borough")


def _email(_question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
    try:
        return validate_email(str(raw).strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AnswerError("Enter an email address in the correct format, like name@example.com") from exc


_PHONE_MESSAGE = "Enter a telephone number, like 020 7946 0000 or +44 7700 900 982"
_URL_MESSAGE = "Enter a website address in the right format, like www.example.org"


def _normalised(func: Any, message: str) -> Any:
    def checker(_question: QuestionLike, raw: Any, _ctx: FormContext) -> str:
        try:
            return str(func(str(raw)))
        except ValueError as exc:  # our own message: urlsplit's ("Invalid IPv6 URL") is not for people
            raise AnswerError(message) from exc

    return checker


def _budget(question: QuestionLike, raw: Any, _ctx: FormContext) -> list[dict[str, Any]]:
    categories = {c["value"] for c in question.config["categories"]}
    limit = question.config.get("max_lines", 200)
    if not isinstance(raw, list):
        raise AnswerError(_MISSING[QuestionType.BUDGET_TABLE])
    lines = [line if isinstance(line, dict) else {} for line in raw]
    if len(lines) > limit:
        raise AnswerError(f"Your budget can have up to {limit} lines")
    checked = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line.get("category"), str) or line["category"] not in categories:
            raise AnswerError(f"Line {number}: select a category")
        description = str(line.get("description", "")).strip()
        if not description:
            raise AnswerError(f"Line {number}: enter what the money is for")
        if len(description) > 200:
            raise AnswerError(f"Line {number}: the description must be 200 characters or fewer")
        try:
            pence = parse_pounds(str(line.get("amount", "")))
        except MoneyParseError as exc:
            raise AnswerError(f"Line {number}: enter an amount in pounds, like £1,250") from exc
        if pence <= 0:
            raise AnswerError(f"Line {number}: the amount must be more than £0")
        if pence > MAX_PENCE:
            raise AnswerError(f"Line {number}: the amount must be {format_pence(MAX_PENCE)} or less")
        checked.append({"category": line["category"], "description": description, "amount_pence": pence})
    return checked


def _confirmed(_question: QuestionLike, raw: Any, _ctx: FormContext) -> bool:
    if raw != "yes":
        raise AnswerError(_MISSING[QuestionType.ORGANISATION_PROFILE])
    return True


_CHECKERS: dict[QuestionType, Any] = {
    QuestionType.SHORT_TEXT: _short_text,
    QuestionType.LONG_TEXT: _long_text,
    QuestionType.NUMBER: _number,
    QuestionType.MONEY: _money,
    QuestionType.DATE: _date,
    QuestionType.YES_NO: _yes_no,
    QuestionType.SINGLE_CHOICE: _single_choice,
    QuestionType.MULTIPLE_CHOICE: _multiple_choice,
    QuestionType.THEMES: _themes,
    QuestionType.BOROUGHS: _boroughs,
    QuestionType.EMAIL: _email,
    QuestionType.PHONE: _normalised(normalise_phone, _PHONE_MESSAGE),
    QuestionType.URL: _normalised(normalise_website, _URL_MESSAGE),
    QuestionType.BUDGET_TABLE: _budget,
    QuestionType.ORGANISATION_PROFILE: _confirmed,
}


# --- rules across questions ----------------------------------------------------------------------------


def budget_total(value: Any) -> int:
    """The total of a checked budget table, in pence."""
    return sum(int(line["amount_pence"]) for line in value or [])


def is_shown(question: QuestionLike, values: Mapping[str, Any], ctx: FormContext) -> bool:
    """Whether the question applies, given the other answers (show_if) and the tier of the amount requested."""
    show_if = question.config.get("show_if") or {}
    if "question" in show_if:
        return values.get(show_if["question"]) == show_if["equals"]
    if show_if.get("tier_needs_match_funding"):
        tier = ctx.tier_for(requested_amount(values))
        return bool(tier and tier.match_funding_percent)
    return True


def requested_amount(values: Mapping[str, Any]) -> int | None:
    """The amount requested (the value of the money question named 'amount_requested'), if answered."""
    amount = values.get("amount_requested")
    return amount if isinstance(amount, int) else None


def _reference(others: Mapping[str, QuestionLike], key: str, lead: str = "the answer to") -> str:
    """How a message names another question: its error name, or 'the answer to “<its label>”'."""
    other = others.get(key)
    if other is not None and error_name(other):
        return error_name(other)
    return f"{lead} “{other.label if other is not None else key}”"


def _cross_question_error(
    question: QuestionLike,
    value: Any,
    values: Mapping[str, Any],
    others: Mapping[str, QuestionLike],
    ctx: FormContext,
) -> str | None:
    config = question.config
    after = config.get("after_question")
    if after and isinstance(values.get(after), str) and value <= values[after]:
        return f"{_subject(question, 'The date')} must be after {_reference(others, after)}"
    at_most = config.get("at_most_question")
    if at_most and isinstance(values.get(at_most), int) and value > values[at_most]:
        return (
            f"{_subject(question, 'The number')} cannot be more than {_reference(others, at_most, 'your answer to')} "
            f"({values[at_most]:,})"
        )
    must_equal = config.get("total_must_equal")
    if must_equal and isinstance(values.get(must_equal), int) and budget_total(value) != values[must_equal]:
        return (
            f"Your budget adds up to {format_pence(budget_total(value))} but the amount you are asking for is "
            f"{format_pence(values[must_equal])}: they must be the same"
        )
    if config.get("match_funding_for_tier"):
        requested = requested_amount(values)
        tier = ctx.tier_for(requested)
        if requested is not None and tier is not None and tier.match_funding_percent:
            needed = -(-requested * tier.match_funding_percent // 100)  # round up to the penny
            if value < needed:
                return (
                    f"Match funding must be at least {format_pence(needed)} ({tier.match_funding_percent}% of the "
                    f"{format_pence(requested)} you are asking for)"
                )
    return None


@dataclass(frozen=True)
class SectionCheck:
    """The outcome of checking a set of answers: values for valid answers, errors by question key."""

    values: dict[str, Any]
    errors: dict[str, str]
    shown: frozenset[str]


def check_answers(
    questions: Sequence[QuestionLike],
    raws: Mapping[str, Any],
    ctx: FormContext,
    *,
    other_values: Mapping[str, Any] | None = None,
) -> SectionCheck:
    """Check answers to the given questions (a section, or the whole form) in order.

    other_values are the checked values of questions elsewhere in the form (for show_if and cross-question
    rules). Hidden questions are neither required nor checked, and have no value.
    """
    values: dict[str, Any] = dict(other_values or {})
    by_key = {q.key: q for q in questions}
    own: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:  # first each answer on its own, so show_if can see earlier answers
        checked = check_answer(question, raws.get(question.key), ctx)
        values[question.key] = checked.value
        own[question.key] = checked
    shown_keys = set()
    for question in questions:  # in order, so a question hidden by a hidden one is hidden too
        if is_shown(question, values, ctx):
            shown_keys.add(question.key)
        else:
            values[question.key] = None
    shown = frozenset(shown_keys)
    for question in questions:
        checked = own[question.key]
        if question.key not in shown:
            values[question.key] = None
            continue
        if checked.error:
            errors[question.key] = checked.error
        elif checked.value is not None:
            problem = _cross_question_error(question, checked.value, values, by_key, ctx)
            if problem:
                errors[question.key] = problem
                values[question.key] = None
    return SectionCheck(values={q.key: values[q.key] for q in questions}, errors=errors, shown=shown)


# --- showing answers back ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An answer as people read it: text, a list of lines, or a budget table (head, rows, total)."""

    text: str = ""
    lines: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, str, str], ...] = ()
    table_total: str = ""


def show_answer(question: QuestionLike, value: Any, ctx: FormContext) -> Shown:
    """A checked value as text for check-answers pages and the PDF copy (Shown() when not answered)."""
    if value is None or value == []:
        return Shown()
    qtype = QuestionType(question.type)
    if qtype == QuestionType.BUDGET_TABLE:
        categories = {c["value"]: c["label"] for c in question.config["categories"]}
        rows = tuple(
            (
                categories.get(line["category"], line["category"]),
                line["description"],
                format_pence(line["amount_pence"]),
            )
            for line in value
        )
        return Shown(table_rows=rows, table_total=format_pence(budget_total(value)))
    if qtype in _SELECTION_TYPES:
        if qtype == QuestionType.THEMES:
            names = dict(ctx.themes)
        elif qtype == QuestionType.BOROUGHS:
            names = {code: borough_name(code) for code in value}
        else:
            names = _choice_labels(question)
        return Shown(lines=tuple(names.get(v, v) for v in value))
    formatter = _SHOW_TEXT.get(qtype)
    return Shown(text=formatter(question, value) if formatter else str(value))


_SHOW_TEXT: dict[QuestionType, Any] = {
    QuestionType.MONEY: lambda _q, v: format_pence(v),
    QuestionType.NUMBER: lambda _q, v: f"{v:,}",
    QuestionType.DATE: lambda _q, v: format_date(date.fromisoformat(v)),
    QuestionType.YES_NO: lambda _q, v: "Yes" if v == "yes" else "No",
    QuestionType.SINGLE_CHOICE: lambda q, v: _choice_labels(q).get(v, v),
    QuestionType.FILE: lambda _q, v: f"{v} file{'s' if v != 1 else ''} uploaded",
    QuestionType.ORGANISATION_PROFILE: lambda _q, _v: "Confirmed",
}


def _choice_labels(question: QuestionLike) -> dict[str, str]:
    return {c["value"]: c["label"] for c in question.config["choices"]}


def context_for(round_: Any, attachment_counts: Mapping[str, int] | None = None) -> FormContext:
    """The FormContext of a call (anything with tiers, themes and the project window), plus files uploaded."""
    return FormContext(
        tiers=tuple(
            TierRule(t.name, t.min_pence, t.max_pence, t.match_funding_percent)
            for t in sorted(round_.tiers, key=lambda t: t.min_pence)
        ),
        themes=tuple((str(t.id), t.name) for t in round_.themes),
        project_earliest_start=round_.project_earliest_start,
        project_latest_end=round_.project_latest_end,
        attachment_counts=dict(attachment_counts or {}),
    )
