"""Demo applications, made through the same services applicants use.

The open call SEF-6 gets the states a fund manager meets on day one: a draft part-way through (with a mistake
waiting to be fixed), a draft just started, a submitted bid that screening found ineligible (the call requires a
safeguarding policy and none was uploaded), and four submitted eligible bids with files, waiting for assessors.
The earlier call SEF-5 gets ten eligible bids, each made on its own day while that call was open (the services are
given that `now`), for the assessment demo to score. Idempotent: an organisation that already has an application
to the call is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
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
    # What makes a bid its own (left empty, the answers are a generic youth project in `place`).
    summary: str = ""
    need: str = ""
    target_groups: tuple[str, ...] = ("young_people", "young_adults")
    themes: tuple[int, ...] = (0, 1)  # positions in the call's themes
    reach: int = 350  # Londoners reached
    # A project shorter than a year, in weeks from the call's earliest start (so SEF-5's interim reports, due at the
    # mid-point, fall due around the day the demo is loaded); None: a year from the first of a month.
    weeks: int | None = None


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
    DemoBid(
        email="hello@lewisham-young-voices.example.org",
        title="Speak Up, Stand Together: a second year in twelve schools",
        amount="£25,000",
        place="Lewisham",
        boroughs=("E09000023",),
        budget=(
            ("staff", "Youth worker, two days a week", "16000"),
            ("sessional", "Peer mentors' sessional fees", "5000"),
            ("venue", "Studio hire, 36 sessions", "2000"),
            ("evaluation", "Independent evaluation", "2000"),
        ),
        complete=ALL,
        submit=True,
        summary="Our first year trained 24 peer mentors who ran assemblies in six schools. This year they train the "
        "next group and take the workshops on online hate into twelve Lewisham secondary schools.",
        need="Schools that heard about the first year's assemblies have asked for them: teachers report racist and "
        "misogynist content shared between pupils, and few pupils say they would report it.",
        target_groups=("young_people", "education_staff"),
        themes=(0, 2),
        reach=1200,
    ),
    DemoBid(
        email="hello@newham-boxing.example.org",
        title="Gloves Up, Hate Down: a programme for girls",
        amount="£28,500",
        place="Canning Town and Custom House",
        boroughs=("E09000025",),
        budget=(
            ("staff", "Female coach and mentor, part time", "15000"),
            ("sessional", "Mentors' sessional fees", "7000"),
            ("materials", "Boxing kit and gloves", "2500"),
            ("venue", "Gym running costs", "2500"),
            ("evaluation", "Evaluation", "1500"),
        ),
        complete=ALL,
        submit=True,
        summary="Twice-weekly boxing sessions for 40 girls aged 12 to 18, led by women coaches, with one-to-one "
        "mentoring and workshops on misogyny, online influencers and staying safe.",
        need="Girls referred to us by schools describe misogynist abuse online and offline; our mixed sessions reach "
        "few of them, and local youth workers see girls drawn into online spaces that normalise hate.",
        target_groups=("young_people",),
        themes=(1, 2),
        reach=120,
    ),
    DemoBid(
        email="hello@kingston-refugee-welcome.example.org",
        title="Welcome Tables on the road: Chessington and Tolworth",
        amount="£14,000",
        place="Chessington and Tolworth",
        boroughs=("E09000021",),
        budget=(
            ("sessional", "Community cook and organiser", "6000"),
            ("venue", "Hall hire, 30 evenings", "2500"),
            ("refreshments", "Food for shared meals", "3500"),
            ("volunteer_expenses", "Volunteer travel", "1000"),
            ("publicity", "Leaflets in six languages", "1000"),
        ),
        complete=ALL,
        submit=True,
        summary="Thirty shared-meal evenings in two church halls where refugees placed in local hotels and their "
        "neighbours cook together and plan how to make the area welcoming.",
        need="Anti-migrant leaflets and a protest outside a hotel housing asylum seekers in Tolworth last year left "
        "residents on both sides afraid; there is no local space where they meet.",
        target_groups=("wider_community", "adults"),
        themes=(2, 0),
        reach=400,
    ),
)

# Ten bids to the earlier call SEF-5 (all eligible; the assessment demo scores them). Tier 3 asks for match funding.
EARLIER_BIDS = (
    DemoBid(
        email="hello@lewisham-young-voices.example.org",
        title="Speak Up, Stand Together: young people tackling online hate",
        amount="£24,000",
        place="Lewisham and Deptford",
        boroughs=("E09000023",),
        budget=(
            ("staff", "Youth worker, two days a week", "15000"),
            ("sessional", "Peer facilitators' sessional fees", "4500"),
            ("venue", "Studio hire, 36 sessions", "2500"),
            ("evaluation", "Independent evaluation", "2000"),
        ),
        complete=ALL,
        submit=True,
        summary="Thirty-six weekly workshops where young people aged 14 to 19 learn how online hate spreads, "
        "practise responding safely, and train as peer mentors who run assemblies in six Lewisham secondary schools.",
        need="Lewisham's schools report a rise in racist and misogynist content shared between pupils; 41% of the "
        "180 young people we surveyed had seen hateful posts about people like them in the last month.",
        target_groups=("young_people",),
        themes=(0, 2),
        reach=600,
        weeks=40,  # interim report due a few days from now
    ),
    DemoBid(
        email="hello@southall-community-alliance.example.org",
        title="Many Faiths, One Southall: interfaith youth leadership",
        amount="£45,000",
        place="Southall",
        boroughs=("E09000009", "E09000018"),
        budget=(
            ("staff", "Project co-ordinator, three days a week", "27000"),
            ("sessional", "Faith and youth facilitators", "9000"),
            ("venue", "Hire of gurdwara, mosque and church halls", "4000"),
            ("travel", "Visits to places of worship across London", "2500"),
            ("evaluation", "Evaluation by a local university", "2500"),
        ),
        complete=ALL,
        submit=True,
        summary="Forty young people from Sikh, Muslim, Hindu, Christian and non-religious families train together "
        "as Interfaith Youth Leaders, visit each other's places of worship and run a summer of dialogue events.",
        need="False rumours spread online during last summer's disorder set groups of young people against each "
        "other in Southall; faith leaders asked us for a project that brings them together.",
        target_groups=("young_people", "faith_communities"),
        themes=(2, 1),
        reach=800,
        weeks=34,  # interim report due about two and a half weeks ago
    ),
    DemoBid(
        email="hello@croydon-digital-futures.example.org",
        title="Think Before You Share: digital literacy against extremist content",
        amount="£38,500",
        place="central and north Croydon",
        boroughs=("E09000008",),
        budget=(
            ("staff", "Digital educator, part time", "21000"),
            ("sessional", "Youth content creators", "6000"),
            ("materials", "Laptops and software licences", "5500"),
            ("publicity", "Campaign materials", "2000"),
            ("evaluation", "Pre- and post-course survey analysis", "4000"),
        ),
        complete=ALL,
        submit=True,
        summary="A ten-week course in youth clubs and pupil referral units on how algorithms push extreme content, "
        "how to check sources and how to report and counter it, ending in a campaign made by the young people.",
        need="Croydon's community safety partnership names online radicalisation as the main concern for young "
        "people referred for support last year, and youth workers say they lack the skills to talk about it.",
        target_groups=("young_people",),
        themes=(0, 1),
        reach=420,
        weeks=36,  # interim report due about ten days ago
    ),
    DemoBid(
        email="hello@hackney-mothers-circle.example.org",
        title="Kitchen Table Conversations: mothers spotting the signs",
        amount="£12,000",
        place="Clapton and Hackney Downs",
        boroughs=("E09000012",),
        budget=(
            ("sessional", "Trained facilitator, 24 sessions", "5400"),
            ("venue", "Community centre hire", "1800"),
            ("refreshments", "Food for sessions and creche snacks", "1600"),
            ("volunteer_expenses", "Volunteer travel and childcare", "1700"),
            ("other", "Creche worker", "1500"),
        ),
        complete=ALL,
        submit=True,
        summary="Fortnightly sessions in Turkish, Kurdish, Somali and English where mothers learn about grooming and "
        "radicalisation online, share worries in confidence and learn where to turn, with a creche.",
        need="Mothers in our circle tell us their children live online in ways they cannot follow, and that they "
        "would not know what to do if they were worried.",
        target_groups=("parents_carers",),
        themes=(0, 1),
        reach=150,
    ),
    DemoBid(
        email="hello@newham-boxing.example.org",
        title="Gloves Up, Hate Down: mentoring through boxing",
        amount="£30,000",
        place="Canning Town and Custom House",
        boroughs=("E09000025",),
        budget=(
            ("staff", "Head coach and mentor, part time", "16000"),
            ("sessional", "Mentors' sessional fees", "7000"),
            ("materials", "Boxing kit and gloves", "2500"),
            ("venue", "Gym running costs", "3000"),
            ("evaluation", "Evaluation", "1500"),
        ),
        complete=ALL,
        submit=True,
        summary="Twice-weekly boxing sessions with one-to-one mentoring for 60 young people aged 12 to 18 referred "
        "by schools and the youth offending service, with workshops on identity, anger and online influences.",
        need="Young people referred to us have been involved in racially motivated fights or drawn to online "
        "groups that glorify violence; few other services reach them.",
        target_groups=("young_people",),
        themes=(1, 2),
        reach=250,
    ),
    DemoBid(
        email="hello@peckham-arts-collective.example.org",
        title="Our Streets, Our Stories: theatre against division",
        amount="£22,000",
        place="Peckham and Nunhead",
        boroughs=("E09000028",),
        budget=(
            ("sessional", "Theatre makers, 30 workshops", "10500"),
            ("venue", "Rehearsal and performance space", "4000"),
            ("materials", "Set, costume and sound", "3000"),
            ("publicity", "Publicity for three performances", "1500"),
            ("evaluation", "Audience and participant surveys", "1000"),
            ("overheads", "Running costs", "2000"),
        ),
        complete=ALL,
        submit=True,
        summary="Young people and older residents gather stories of how Peckham's communities have faced down hate, "
        "from the 1970s to today, and turn them into a play performed in three venues and filmed for schools.",
        need="Young people we work with know little of their area's history of standing up to hate, and older "
        "residents feel their experience is not heard.",
        target_groups=("young_people", "wider_community"),
        themes=(2, 0),
        reach=900,
    ),
    DemoBid(
        email="hello@wembley-somali-youth.example.org",
        title="Bridges not Walls: prevention training for youth workers",
        amount="£48,000",
        place="Wembley and Harlesden",
        boroughs=("E09000005",),
        budget=(
            ("staff", "Training lead, full time for six months", "24000"),
            ("training", "Accredited course for 40 youth workers", "12000"),
            ("sessional", "Community interpreters", "4000"),
            ("venue", "Training room hire", "3000"),
            ("materials", "Course handbooks", "2000"),
            ("evaluation", "Evaluation", "3000"),
        ),
        complete=ALL,
        submit=True,
        summary="A six-month programme training 40 youth and community workers in Brent to recognise early signs of "
        "radicalisation and hate-motivated harm, and to respond in ways that keep families' trust.",
        need="Youth workers in Brent tell us they are unsure when a worry about a young person should be referred, "
        "and families fear that any referral will label their children.",
        target_groups=("frontline_practitioners", "young_people"),
        themes=(3, 1),
        reach=400,
    ),
    DemoBid(
        email="hello@enfield-safer-schools.example.org",
        title="Frontline Ready: training school staff to respond to radicalisation",
        amount="£75,000",
        place="Enfield",
        boroughs=("E09000010",),
        budget=(
            ("staff", "Programme manager, full time", "38000"),
            ("training", "Training days for 300 school staff", "21000"),
            ("sessional", "Specialist trainers", "8000"),
            ("materials", "Online learning platform", "4000"),
            ("evaluation", "Independent evaluation", "4000"),
        ),
        complete=ALL,
        submit=True,
        match_funding="£37,500",
        summary="Training for 300 teachers, pastoral staff and governors in Enfield's 22 secondary schools and "
        "colleges to spot and respond to radicalisation and hate incidents, with a termly network and a referral "
        "guide built with the council's Prevent team.",
        need="Enfield's schools recorded 140 hate incidents last year; half of the staff we surveyed did not feel "
        "confident to respond to extremist views voiced in class.",
        target_groups=("education_staff", "young_people"),
        themes=(3, 0),
        reach=3000,
        weeks=32,  # interim report due about three and a half weeks ago
    ),
    DemoBid(
        email="hello@kingston-refugee-welcome.example.org",
        title="Welcome Tables: bringing neighbours and new arrivals together",
        amount="£16,500",
        place="Kingston and Norbiton",
        boroughs=("E09000021",),
        budget=(
            ("sessional", "Community cook and organiser", "7500"),
            ("venue", "Hall hire, 40 evenings", "3000"),
            ("refreshments", "Food for shared meals", "4000"),
            ("volunteer_expenses", "Volunteer travel", "1000"),
            ("publicity", "Leaflets in six languages", "1000"),
        ),
        complete=ALL,
        submit=True,
        summary="Forty shared-meal evenings where refugees and long-standing residents cook together, talk about "
        "what makes a neighbourhood welcoming, and plan joint action against anti-migrant leafleting.",
        need="Anti-migrant leaflets were pushed through doors across Norbiton last year; refugee families told us "
        "they stopped using the local park.",
        target_groups=("wider_community", "adults"),
        themes=(2, 0),
        reach=500,
    ),
    DemoBid(
        email="hello@islington-football-for-unity.example.org",
        title="Unity Cup: football leagues across divides",
        amount="£28,000",
        place="Holloway and Finsbury Park",
        boroughs=("E09000019", "E09000014"),
        budget=(
            ("sessional", "Coaches, 30 weeks", "12000"),
            ("venue", "Pitch hire", "8000"),
            ("materials", "Kit and equipment", "4000"),
            ("refreshments", "Tournament food", "2000"),
            ("publicity", "Publicity", "2000"),
        ),
        complete=ALL,
        submit=True,
        summary="A 30-week mixed league for young people aged 14 to 21 from estates on both sides of Holloway Road, "
        "where every team mixes neighbourhoods, ending in a community cup final.",
        need="Postcode rivalries between estates near Holloway Road have led to fights, some with racist abuse.",
        target_groups=("young_people", "young_adults"),
        themes=(2,),
        reach=300,
    ),
)


def _project_dates(round_: Round, now: datetime, weeks: int | None = None) -> tuple[date, date]:
    """A project starting on the call's earliest start and lasting `weeks`, or a year-long one starting on the
    first of a month inside the call's project window."""
    earliest = round_.project_earliest_start or (now.date() + timedelta(days=90))
    if weeks is not None:
        return earliest, earliest + timedelta(weeks=weeks, days=-1)
    start = earliest if earliest.day == 1 else date(earliest.year + earliest.month // 12, earliest.month % 12 + 1, 1)
    return start, date(start.year + 1, start.month, 1) - timedelta(days=1)


def _date_parts(day: date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _answers(bid: DemoBid, round_: Round, now: datetime) -> dict[str, dict[str, Any]]:
    """Raw answers per section, as read_raw would make them from a posted page."""
    about = bid.summary or (
        f"We will run weekly sessions in {bid.place} where young people meet people from different backgrounds, "
        "talk openly about hate and extremism online and offline, and plan their own community action."
    )
    need = bid.need or (
        f"Local schools and youth services in {bid.place} report a rise in hateful language "
        "and in young people being drawn to extremist content online."
    )
    theme_ids = [str(round_.themes[position].id) for position in bid.themes]
    start, end = _project_dates(round_, now, bid.weeks)
    return {
        "organisation": {"organisation_profile": "yes"},
        "project_summary": {
            "project_title": bid.title,
            "project_summary": about,
            "start_date": _date_parts(start),
            "end_date": _date_parts(end),
            "amount_requested": bid.amount,
        },
        "need": {
            "need_description": need,
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
            "londoners_reached": str(bid.reach),
            "target_groups": list(bid.target_groups),
            "target_groups_detail": f"People living in {bid.place}, reached through schools, youth clubs and our "
            "existing groups.",
        },
        "themes": {"themes": theme_ids, "themes_explanation": "Our sessions raise awareness and build resilience."},
        "outcomes": {
            "outcomes": "Participants are more confident to challenge hate and know where to get help.",
            "measurement": "Short surveys at the start and end of the project, and three focus groups.",
            "participants_reporting_change": str(bid.reach * 4 // 7),
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


def demo_document(title: str, organisation: Organisation) -> bytes:
    """A one-page PDF titled `title` from the organisation, for the demo's uploads."""
    heading = escape(title)
    page = (
        f"<html lang='en-GB'><head><title>{heading}</title></head><body><h1>{heading}</h1>"
        f"<p>{escape(organisation.name)}. A demonstration document created by fundapp's demo data.</p></body></html>"
    )
    return render_pdf(page, title=title)


def _files(application: Application, user: User) -> None:
    by_key = {q.key: q for q in progress.all_questions(application.round)}
    uploads = {
        "safeguarding_policy_file": ("Safeguarding policy.pdf", "Safeguarding policy"),
        "need_evidence_files": ("Community safety survey 2025.pdf", "Community safety survey 2025 (summary)"),
        "match_funding_evidence": ("Match funding letter.pdf", "Letter confirming match funding"),
    }
    shown = progress.check_whole_form(application).shown  # which file questions the answers call for
    for key, (filename, title) in uploads.items():
        question = by_key.get(key)
        if question is None or key not in shown:
            continue
        attachments.add_attachment(
            actor=user,
            application=application,
            question=question,
            filename=filename,
            data=demo_document(title, application.organisation),
        )


def _fill(application: Application, user: User, bid: DemoBid, now: datetime) -> None:
    answers = _answers(bid, application.round, now)
    for key in ALL if bid.submit else bid.complete:
        services.save_section(
            actor=user,
            application=application,
            section_key=key,
            raws=answers[key],
            version=_version(application, key),
            now=now,
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
            now=now,
        )


def _version(application: Application, section_key: str) -> int:
    return next((s.version for s in application.sections if s.section_key == section_key), 0)


def load_demo_applications(round_: Round, bids: Sequence[DemoBid] = BIDS, *, now: datetime | None = None) -> list[str]:
    """Create the demo applications to a call that are missing, made at `now` (the server clock unless given);
    returns what was created. Does nothing unless the call is open at `now`."""
    created: list[str] = []
    now = now or utcnow()
    if not progress.is_open_for_applications(round_, now):
        return created
    for bid in bids:
        user = account_queries.find_user_by_email(bid.email)
        if user is None:
            continue
        organisations = account_queries.list_organisations_for_user(user.id)
        if not organisations:
            continue
        organisation = organisations[0]
        if queries.count_active_applications(round_id=round_.id, organisation_id=organisation.id):
            continue
        application = services.start_application(actor=user, round_=round_, organisation=organisation, now=now)
        _fill(application, user, bid, now)
        if bid.submit:
            services.submit_application(actor=user, application=application, now=now)
        created.append(f"application: {organisation.name} ({application.reference or 'draft'})")
    return created


def load_earlier_call_applications(round_: Round) -> list[str]:
    """Create the missing demo bids to the earlier call, each submitted on its own day while the call was open
    (a week after it opened, then every four days); returns what was created."""
    created: list[str] = []
    for number, bid in enumerate(EARLIER_BIDS):
        made_at = round_.opens_at + timedelta(days=7 + 4 * number, hours=number % 5)
        created += load_demo_applications(round_, (bid,), now=made_at)
    return created
