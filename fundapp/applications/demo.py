"""Demo applications to the open call, made through the same services applicants use.

Four fictional organisations, four states a fund manager meets on day one: a draft part-way through (with a
mistake waiting to be fixed), a draft just started, a submitted eligible bid with files, and a submitted bid that
screening found ineligible (the call requires a safeguarding policy and none was uploaded). Idempotent: an
organisation that already has an application to the call is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fundapp.accounts import queries as account_queries
from fundapp.accounts.models import Organisation, User
from fundapp.applications import attachments, progress, queries, services
from fundapp.applications.models import Application
from fundapp.core.clock import utcnow
from fundapp.core.pdf import render_pdf
from fundapp.programmes.models import Round


@dataclass(frozen=True)
class DemoBid:
    email: str  # the member who applies
    title: str
    amount: str
    place: str
    boroughs: tuple[str, ...]
    budget: tuple[tuple[str, str, str], ...]
    complete: tuple[str, ...]  # sections completed (all: submit)
    submit: bool = False
    match_funding: str = ""
    has_safeguarding_policy: bool = True
    mistakes: tuple[tuple[str, str, Any], ...] = ()  # (section, question, raw) saved after completing


ALL = (
    "organisation",
    "project_summary",
    "need",
    "activities",
    "beneficiaries",
    "themes",
    "outcomes",
    "safeguarding",
    "budget",
    "risks",
    "declarations",
)

BIDS = (
    DemoBid(
        email="applicant@example.org",
        title="Brixton Bridges: young people against hate",
        amount="£24,500",
        place="Brixton and Stockwell",
        boroughs=("E09000022",),
        budget=(("staff", "Youth worker, two days a week", "18000"), ("venue", "Hall hire, 40 sessions", "6500")),
        complete=("organisation", "project_summary", "need"),
        mistakes=(("activities", "sessions_planned", "about forty"),),
    ),
    DemoBid(
        email="applicant.cic@example.org",
        title="Threads that bind: stitching stories across Poplar",
        amount="£18,000",
        place="Poplar and the Isle of Dogs",
        boroughs=("E09000030", "E09000025"),
        budget=(
            ("sessional", "Textile artists, 30 workshops", "9000"),
            ("materials", "Fabric, thread and sewing machines", "4500"),
            ("venue", "Community room hire", "3000"),
            ("evaluation", "Independent evaluation", "1500"),
        ),
        complete=ALL,
        submit=True,
    ),
    DemoBid(
        email="applicant.charity@example.org",
        title="Tottenham Together: faith leaders as first responders",
        amount="£60,000",
        place="Tottenham",
        boroughs=("E09000014", "E09000010"),
        budget=(
            ("staff", "Project co-ordinator, full time", "42000"),
            ("training", "Training for 60 faith leaders", "18000"),
        ),
        complete=ALL,
        submit=True,
        match_funding="£30,000",
        has_safeguarding_policy=False,  # the call requires one: screening finds it ineligible
    ),
    DemoBid(
        email="applicant.group@example.org",
        title="",
        amount="",
        place="Barking Riverside",
        boroughs=(),
        budget=(),
        complete=("organisation",),
    ),
)


def _answers(bid: DemoBid, round_: Round) -> dict[str, dict[str, Any]]:
    """Raw answers per section, as read_raw would make them from a posted page."""
    about = (
        f"We will run weekly sessions in {bid.place} where young people meet people from different backgrounds, "
        "talk openly about hate and extremism online and offline, and plan their own community action."
    )
    theme_ids = [str(theme.id) for theme in round_.themes[:2]]
    year = utcnow().year + 1
    return {
        "organisation": {"organisation_profile": "yes"},
        "project_summary": {
            "project_title": bid.title,
            "project_summary": about,
            "start_date": {"day": "1", "month": "4", "year": str(year)},
            "end_date": {"day": "31", "month": "3", "year": str(year + 1)},
            "amount_requested": bid.amount,
        },
        "need": {
            "need_description": f"Local schools and youth services in {bid.place} report a rise in hateful language "
            "and in young people being drawn to extremist content online.",
            "need_evidence": "The borough's community safety partnership survey (2025) and our own consultation "
            "with 120 young people.",
        },
        "activities": {
            "activities_description": about,
            "delivery_mode": "mixed",
            "milestones": "Recruit and train volunteers by June; run sessions from July; showcase event in March.",
            "sessions_planned": "40",
            "volunteers_involved": "8",
        },
        "beneficiaries": {
            "boroughs": list(bid.boroughs),
            "londoners_reached": "350",
            "target_groups": ["young_people", "young_adults"],
            "target_groups_detail": "Young people aged 13 to 21 living on estates near our centre.",
        },
        "themes": {"themes": theme_ids, "themes_explanation": "Our sessions raise awareness and build resilience."},
        "outcomes": {
            "outcomes": "Participants are more confident to challenge hate and know where to get help.",
            "measurement": "Short surveys at the start and end of the project, and three focus groups.",
            "participants_reporting_change": "200",
        },
        "safeguarding": {
            "safeguarding_policy": "yes" if bid.has_safeguarding_policy else "no",
            "safeguarding_plan": ""
            if bid.has_safeguarding_policy
            else "Our trustees are adopting the diocese's policy in May; until then the co-ordinator supervises.",
            "safeguarding_lead_name": "Jo Mensah",
            "safeguarding_lead_email": "safeguarding@example.org",
            "dbs_checks": "yes",
        },
        "budget": {
            "budget": [{"category": c, "description": d, "amount": a} for c, d, a in bid.budget],
            "match_funding_amount": bid.match_funding,
            "match_funding_sources": "A grant from a local trust, confirmed in writing." if bid.match_funding else "",
            "other_funding": "",
        },
        "risks": {"risks": "Low turnout: we will work with schools and youth clubs to recruit participants."},
        "declarations": {
            "declaration_true": "yes",
            "declaration_authorised": "yes",
            "declaration_not_political": "yes",
            "declaration_publish": "yes",
            "signatory_name": "Chair of trustees",
            "signatory_position": "Chair",
            "signatory_email": "chair@example.org",
            "signatory_phone": "020 7946 0000",
        },
    }


def _document(title: str, organisation: Organisation) -> bytes:
    html = (
        f"<html lang='en-GB'><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>{organisation.name}. A demonstration document created by fundapp's demo data.</p></body></html>"
    )
    return render_pdf(html, title=title)


def _files(application: Application, user: User) -> None:
    by_key = {q.key: q for q in progress.all_questions(application.round)}
    uploads = {
        "safeguarding_policy_file": ("Safeguarding policy.pdf", "Safeguarding policy"),
        "need_evidence_files": ("Community safety survey 2025.pdf", "Community safety survey 2025 (summary)"),
        "match_funding_evidence": ("Match funding letter.pdf", "Letter confirming match funding"),
    }
    for key, (filename, title) in uploads.items():
        question = by_key.get(key)
        shown = progress.check_whole_form(application).shown
        if question is None or key not in shown:
            continue
        attachments.add_attachment(
            actor=user,
            application=application,
            question=question,
            filename=filename,
            data=_document(title, application.organisation),
        )


def _fill(application: Application, user: User, bid: DemoBid) -> None:
    answers = _answers(bid, application.round)
    for key in ALL if bid.submit else bid.complete:
        services.save_section(
            actor=user,
            application=application,
            section_key=key,
            raws=answers[key],
            version=_version(application, key),
            now=utcnow(),
        )
    _files(application, user)
    for key in bid.complete:
        services.complete_section(actor=user, application=application, section_key=key, completed=True)
    for section_key, question_key, raw in bid.mistakes:
        raws = {**answers[section_key], question_key: raw}
        services.save_section(
            actor=user,
            application=application,
            section_key=section_key,
            raws=raws,
            version=_version(application, section_key),
            now=utcnow(),
        )


def _version(application: Application, section_key: str) -> int:
    return next((s.version for s in application.sections if s.section_key == section_key), 0)


def load_demo_applications(round_: Round) -> list[str]:
    """Create the demo applications to an open call that are missing; returns what was created."""
    created = []
    if not progress.is_open_for_applications(round_, utcnow()):
        return created
    for bid in BIDS:
        user = account_queries.find_user_by_email(bid.email)
        if user is None:
            continue
        organisations = account_queries.list_organisations_for_user(user.id)
        if not organisations:
            continue
        organisation = organisations[0]
        if queries.count_active_applications(round_id=round_.id, organisation_id=organisation.id):
            continue
        application = services.start_application(actor=user, round_=round_, organisation=organisation, now=utcnow())
        _fill(application, user, bid)
        if bid.submit:
            services.submit_application(actor=user, application=application, now=utcnow())
        created.append(f"application: {organisation.name} ({application.reference or 'draft'})")
    return created
