"""Chart geometry: round ticks, short money, bars and their labels, the money bar and the London tile map, for
nothing, one value, huge values and all zeros (never a division by zero); and the colours' contrast."""

from __future__ import annotations

import pytest

from fundapp.core.reference import london_boroughs
from fundapp.reporting import charts


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (-5, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 2, 4, 6, 8, 10]),
        (12, [0, 5, 10, 15]),
        (90, [0, 20, 40, 60, 80, 100]),
        (101, [0, 25, 50, 75, 100, 125]),
        (4_500_000, [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000]),
    ],
)
def test_ticks_are_round_numbers_from_zero_covering_the_largest_value(maximum: int, ticks: list[int]) -> None:
    assert charts.nice_ticks(maximum) == ticks


def test_ticks_of_a_huge_value_stay_few_and_round() -> None:
    ticks = charts.nice_ticks(987_654_321_000)
    assert ticks[-1] >= 987_654_321_000
    assert len(ticks) <= 6
    assert all(tick % 100_000_000_000 == 0 for tick in ticks)


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (0, "£0"),
        (80_000, "£800"),
        (99_949, "£999"),
        (1_250_000, "£12.5k"),
        (1_200_000, "£12k"),
        (12_500_000, "£125k"),
        (120_000_000, "£1.2m"),
        (99_999_900, "£1m"),
        (1_200_000_000, "£12m"),
        (-1_250_000, "-£12.5k"),
    ],
)
def test_money_on_axes_and_bars_is_short(pence: int, text: str) -> None:
    assert charts.short_money(pence) == text


def test_a_scale_of_nothing_puts_everything_at_zero() -> None:
    assert charts.percent_of(0, 0) == 0.0
    assert charts.percent_of(5, 0) == 0.0
    assert charts.percent_of(5, 10, width=75) == 37.5
    assert charts.percent_of(20, 10) == 100.0  # never past the end


def test_long_labels_wrap_onto_lines_instead_of_being_squeezed() -> None:
    lines = charts.wrap_label("Tackling loneliness and isolation among older Londoners", width=30)
    assert lines == ("Tackling loneliness and", "isolation among older", "Londoners")
    assert all(len(line) <= 30 for line in lines)
    assert charts.wrap_label("") == ("",)


def test_a_bar_chart_draws_bars_in_proportion_on_a_round_scale_with_values_written() -> None:
    chart = charts.bar_chart(
        chart_id="c", title="T", description="D", items=[("Hackney", 8), ("Camden", 2), ("Bexley", 0)]
    )
    assert [tick.text for tick in chart.ticks] == ["0", "2", "4", "6", "8"]
    widths = [bar.width for bar in chart.bars]
    assert widths == [75.0, 18.75, 0.0]
    assert [bar.value_text for bar in chart.bars] == ["8", "2", "0"]
    # Each label sits above its bar, rows one after another, and the axis below the last.
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops)
    assert all(bar.label_lines[-1][1] < bar.y for bar in chart.bars)
    assert chart.tick_y > chart.bars[-1].y + chart.bars[-1].height
    assert chart.ticks[0].anchor == "start"


def test_a_bar_chart_of_nothing_or_all_zeros_divides_by_nothing() -> None:
    empty = charts.bar_chart(chart_id="e", title="T", description="D", items=[])
    assert empty.empty
    assert empty.height > 0
    zeros = charts.bar_chart(chart_id="z", title="T", description="D", items=[("A", 0), ("B", 0)])
    assert [bar.width for bar in zeros.bars] == [0.0, 0.0]
    assert [tick.text for tick in zeros.ticks] == ["0", "1"]


def test_a_single_huge_money_bar_fills_the_bar_area_with_a_short_value() -> None:
    chart = charts.bar_chart(chart_id="m", title="T", description="D", items=[("All", 123_456_789_00)], money=True)
    assert chart.bars[0].value_text == "£123.5m"
    assert 0 < chart.bars[0].width <= charts.BAR_AREA
    assert [tick.text for tick in chart.ticks] == ["£0", "£50m", "£100m", "£150m"]  # four steps at most


def test_a_marker_takes_its_own_row_above_the_bar_it_is_placed_before() -> None:
    plain = charts.bar_chart(chart_id="p", title="T", description="D", items=[("A", 1), ("B", 2)])
    marked = charts.bar_chart(
        chart_id="m", title="T", description="D", items=[("A", 1), ("B", 2)], markers={1: "Minimum"}
    )
    assert len(marked.markers) == 1
    marker = marked.markers[0]
    assert marked.bars[0].y + marked.bars[0].height < marker.text_lines[0][1] < marker.y
    assert marker.y < marked.bars[1].label_lines[0][1]
    assert marked.height == plain.height + charts.LINE + charts.MARKER_GAP
    long = charts.bar_chart(
        chart_id="l",
        title="T",
        description="D",
        items=[("A", 1), ("B", 2)],
        markers={1: "Minimum fundable score: 55% (inside 50% to 59%)"},
    )
    assert [line for line, _y in long.markers[0].text_lines] == ["Minimum fundable score: 55%", "(inside 50% to 59%)"]
    assert long.height == plain.height + 2 * charts.LINE + charts.MARKER_GAP


def test_the_money_bar_shows_paid_then_committed_inside_the_budget() -> None:
    chart = charts.money_chart(
        chart_id="money",
        title="T",
        description="D",
        rows=[("Call one", 6_000_000, 4_800_000, 1_200_000), ("Call two", 0, 0, 0)],
    )
    first, second = chart.rows
    assert first.track_width == 100.0
    assert [tick.text for tick in chart.ticks] == ["£0", "£20k", "£40k", "£60k"]
    paid, committed = first.segments
    assert (paid.x, paid.width, paid.colour) == (0.0, 20.0, charts.PAID)
    assert (committed.x, committed.width, committed.colour) == (20.0, 60.0, charts.COMMITTED)
    assert "Paid £12k, committed £48k of a budget of £60k (80% committed)" in " ".join(t for t, _ in first.note_lines)
    assert second.track_width == 0.0
    assert all(segment.width == 0.0 for segment in second.segments)
    assert "(0% committed)" in " ".join(t for t, _ in second.note_lines)


def test_the_tile_map_places_all_33_boroughs_on_distinct_squares_of_the_grid() -> None:
    assert set(charts.LONDON_GRID) == {b.gss_code for b in london_boroughs()}
    places = {(row, column) for row, column, _code in charts.LONDON_GRID.values()}
    assert len(places) == 33
    assert all(1 <= row <= charts.GRID_ROWS and 1 <= column <= charts.GRID_COLUMNS for row, column in places)
    codes = [code for *_place, code in charts.LONDON_GRID.values()]
    assert len(set(codes)) == 33
    assert all(3 <= len(code) <= 4 for code in codes)


def test_the_tile_map_shades_in_five_round_steps_up_to_the_largest_amount() -> None:
    names = {b.gss_code: b.name for b in london_boroughs()}
    amounts = {"E09000012": 3_000_000, "E09000030": 1_000_000, "E09000001": 1}
    shown = charts.tile_map(chart_id="map", title="T", description="D", amounts=amounts, names=names)
    steps = {tile.gss_code: tile.step for tile in shown.tiles}
    assert steps["E09000012"] == 5
    assert steps["E09000030"] == 2  # £10k: more than £6k, up to £12k
    assert steps["E09000001"] == 1  # a penny is still money
    assert steps["E09000007"] == 0
    assert [step.text for step in shown.legend] == [
        "No money",
        "More than £0 to £6k",
        "More than £6k to £12k",
        "More than £12k to £18k",
        "More than £18k to £24k",
        "More than £24k to £30k",
    ]
    hackney = next(tile for tile in shown.tiles if tile.gss_code == "E09000012")
    assert (hackney.code, hackney.value_text, hackney.name) == ("HCK", "£30k", "Hackney")
    assert shown.width == 8 * 64 + 7 * 4


def test_a_map_of_no_money_has_every_tile_unshaded() -> None:
    shown = charts.tile_map(chart_id="map", title="T", description="D", amounts={}, names={})
    assert {tile.step for tile in shown.tiles} == {0}
    assert all(tile.value_text == "£0" for tile in shown.tiles)
    assert charts.step_for(0, charts.money_steps(0)) == 0


def test_bars_contrast_with_white_and_text_with_what_it_sits_on() -> None:
    for colour in (charts.BAR, charts.PAID, charts.COMMITTED, charts.MARKER, charts.OUTLINE):
        assert charts.contrast_ratio(colour, charts.WHITE) >= 3, colour
    assert charts.contrast_ratio(charts.PAID, charts.COMMITTED) >= 3  # the two parts of a money bar
    for fill, text in (*charts.STEPS, charts.NO_MONEY):
        assert charts.contrast_ratio(fill, text) >= 4.5, (fill, text)
    assert charts.contrast_ratio(charts.TEXT, charts.WHITE) >= 4.5
    assert charts.contrast_ratio(charts.SECONDARY_TEXT, charts.WHITE) >= 4.5
