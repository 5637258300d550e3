"""Chart geometry for the dashboards, as plain values the templates draw as inline SVG (no JavaScript, no library).

Bar charts are laid out in two units at once: across, in percent of the chart's width (so bars stretch with the
page, from a 320 px phone to a desktop), and down, in pixels (so text keeps its size and never shrinks with the
page). Labels sit above their bar, wrapped onto more lines rather than squeezed, with the value written beside the
bar; the axis has round numbers. The tile map of London is a fixed grid scaled with a viewBox.

Colours come from the GOV.UK palette (the de-branded teal family and its tints): bars contrast 3:1 or more with
white, text 4.5:1 or more with what it sits on (tests check every pair).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

# --- colours -----------------------------------------------------------------------------------------------------

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#484949"
WHITE = "#ffffff"
GRID = "#cecece"  # decorative grid lines (the numbers are written out)
BAR = "#106165"  # the brand teal: 7.2:1 on white
MARKER = "#ca3535"  # a threshold drawn across a chart: 5.2:1 on white
OUTLINE = "#484949"  # edges of light shapes: 9:1 on white

# Money: paid, committed but not yet paid, and what is left of the budget (white, outlined).
PAID = "#0b4144"
COMMITTED = "#50a1a5"
UNCOMMITTED = WHITE

# The tile map's five steps, lightest to darkest, each with the text colour that reads on it; "none" is white.
STEPS: tuple[tuple[str, str], ...] = (
    ("#d0e6e7", TEXT),
    ("#8ac0c3", TEXT),
    ("#50a1a5", TEXT),
    ("#106165", WHITE),
    ("#0b4144", WHITE),
)
NO_MONEY = (WHITE, TEXT)


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- numbers people read ------------------------------------------------------------------------------------------


def _trimmed(value: Fraction) -> str:
    """One decimal place at most, dropping '.0': 12.5, 12, 1.2."""
    tenths = round(value * 10)
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}" if tenth == 0 else f"{whole:,}.{tenth}"


def short_money(pence: int) -> str:
    """An amount rounded for an axis or a bar: £800, £12.5k, £125k, £1.2m (exact amounts go in the table)."""
    sign = "-" if pence < 0 else ""
    pounds = Fraction(abs(pence), 100)
    if pounds >= 999_950:
        return f"{sign}£{_trimmed(pounds / 1_000_000)}m"
    if pounds >= 1000:
        return f"{sign}£{_trimmed(pounds / 1000)}k"
    return f"{sign}£{round(pounds)}"


def short_count(count: int) -> str:
    """A count for an axis or a bar: 1,234."""
    return f"{count:,}"


# Round steps, in tenths of a power of ten: for axes 1, 2, 2.5 and 5; for the map's shading, finer ones too, so
# its five steps reach close to the largest amount.
AXIS_STEPS = (10, 20, 25, 50)
FINE_STEPS = (10, 12, 15, 20, 25, 30, 40, 50, 60, 80)


def nice_step(maximum: int, *, count: int = 5, multipliers: Sequence[int] = AXIS_STEPS) -> int:
    """The smallest round step (by default 1, 2, 2.5 or 5 times a power of ten; always a whole number) that
    covers maximum in at most count steps; 1 when maximum is 0 or less."""
    if maximum <= 0:
        return 1
    magnitude = 1
    while True:
        for multiplier in multipliers:
            if multiplier * magnitude % 10:
                continue  # 2.5 is not a whole number
            step = multiplier * magnitude // 10
            if -(-maximum // step) <= count:
                return step
        magnitude *= 10


def nice_ticks(maximum: int, *, count: int = 5) -> list[int]:
    """Round numbers from 0 up to the first at or above maximum: 0, 25, 50, 75, 100. Never a single tick, so a
    scale built on them never divides by zero (all zero gives 0 and 1)."""
    step = nice_step(maximum, count=count)
    steps = max(1, -(-max(maximum, 0) // step))
    return [step * n for n in range(steps + 1)]


def percent_of(value: int, maximum: int, *, width: float = 100.0) -> float:
    """Where value falls on a scale from 0 to maximum drawn width percent wide (0 for a scale of nothing)."""
    if maximum <= 0 or value <= 0:
        return 0.0
    return round(min(value, maximum) * width / maximum, 2)


def wrap_label(text: str, *, width: int = 30) -> tuple[str, ...]:
    """A label broken into lines of about width characters (SVG text never wraps by itself); never empty."""
    return tuple(textwrap.wrap(text, width=width, break_long_words=True)) or ("",)


# --- bar charts -------------------------------------------------------------------------------------------------

LINE = 20  # px between lines of label text (16 px text)
BAR_HEIGHT = 20
BAR_GAP = 4  # between a label and its bar
ROW_GAP = 14  # between one bar and the next label
AXIS_GAP = 22  # from the last bar to the tick labels
BAR_AREA = 75.0  # percent of the width bars may use; the rest is room for the value written after the longest bar
MARKER_GAP = 10  # below a marker's text: the line, then the next label
AXIS_TICKS = 4  # at most four steps, so the axis labels never crowd each other on a 320 px phone


@dataclass(frozen=True)
class Bar:
    """One bar: its label lines (baselines in px), its bar (top and height in px, width in percent) and its value."""

    label_lines: tuple[tuple[str, int], ...]
    value: int
    value_text: str
    y: int
    height: int
    width: float  # percent of the chart's width
    value_y: int


@dataclass(frozen=True)
class Tick:
    x: float  # percent of the chart's width
    text: str
    anchor: str  # start, middle or end: the first and last labels stay inside the chart


@dataclass(frozen=True)
class Marker:
    """A line drawn across the chart between two bars (a threshold), with its text (wrapped) above it."""

    y: int
    text: str
    text_lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: what it shows (title, description), its bars, axis ticks and markers, its height."""

    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    height: int
    grid_top: int
    grid_bottom: int
    tick_y: int
    colour: str = BAR

    @property
    def empty(self) -> bool:
        return not self.bars


def _ticks(ticks: Sequence[int], fmt: Callable[[int], str], *, width: float) -> tuple[Tick, ...]:
    top = ticks[-1]
    last = len(ticks) - 1
    return tuple(
        Tick(
            x=percent_of(value, top, width=width),
            text=fmt(value),
            anchor="start" if n == 0 else ("end" if n == last and width >= 100 else "middle"),
        )
        for n, value in enumerate(ticks)
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    items: Iterable[tuple[str, int]],
    money: bool = False,
    markers: dict[int, str] | None = None,
    wrap: int = 30,
) -> BarChart:
    """A horizontal bar chart of (label, value) pairs in the order given (sort them first), on a scale of round
    numbers. markers puts a labelled line across the chart above the bar at that index."""
    fmt = short_money if money else short_count
    pairs = list(items)
    ticks = nice_ticks(max((value for _label, value in pairs), default=0), count=AXIS_TICKS)
    top = ticks[-1]
    bars: list[Bar] = []
    drawn_markers: list[Marker] = []
    y = 0
    for index, (label, value) in enumerate(pairs):
        if markers and index in markers:
            lines = wrap_label(markers[index], width=wrap)
            text_lines = tuple((line, y + LINE * (n + 1) - 5) for n, line in enumerate(lines))
            row = LINE * len(lines) + MARKER_GAP
            drawn_markers.append(Marker(y=y + row - 5, text=markers[index], text_lines=text_lines))
            y += row
        lines = wrap_label(label, width=wrap)
        baselines = tuple((line, y + LINE * (n + 1) - 5) for n, line in enumerate(lines))
        bar_y = y + LINE * len(lines) + BAR_GAP
        bars.append(
            Bar(
                label_lines=baselines,
                value=value,
                value_text=fmt(value),
                y=bar_y,
                height=BAR_HEIGHT,
                width=percent_of(value, top, width=BAR_AREA),
                value_y=bar_y + BAR_HEIGHT - 5,
            )
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    grid_bottom = max(y - ROW_GAP, 0)
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        bars=tuple(bars),
        ticks=_ticks(ticks, fmt, width=BAR_AREA),
        markers=tuple(drawn_markers),
        height=grid_bottom + AXIS_GAP + 6,
        grid_top=0,
        grid_bottom=grid_bottom,
        tick_y=grid_bottom + AXIS_GAP,
    )


# --- money: budget, committed, paid -------------------------------------------------------------------------------

MONEY_BAR = 28


@dataclass(frozen=True)
class Segment:
    x: float  # percent
    width: float  # percent
    colour: str


@dataclass(frozen=True)
class MoneyRow:
    """One call (or the total): its name above, the budget as an outlined track, paid and committed inside it,
    and the figures written out below."""

    label_lines: tuple[tuple[str, int], ...]
    y: int
    track_width: float  # the budget, percent of the chart's width
    segments: tuple[Segment, ...]
    note_lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class MoneyChart:
    id: str
    title: str
    description: str
    rows: tuple[MoneyRow, ...]
    ticks: tuple[Tick, ...]
    height: int
    grid_bottom: int
    tick_y: int
    bar_height: int = MONEY_BAR


def money_chart(
    *, chart_id: str, title: str, description: str, rows: Iterable[tuple[str, int, int, int]], wrap: int = 30
) -> MoneyChart:
    """Budget against committed against paid, one bar per (name, budget, committed, paid), on one scale: paid in
    the darkest colour, committed but not paid next to it, the rest of the budget white inside the outline."""
    data = list(rows)
    ticks = nice_ticks(
        max((max(budget, committed, paid) for _n, budget, committed, paid in data), default=0), count=AXIS_TICKS
    )
    top = ticks[-1]
    drawn: list[MoneyRow] = []
    y = 0
    for name, budget, committed, paid in data:
        lines = wrap_label(name, width=wrap)
        labels = tuple((line, y + LINE * (n + 1) - 5) for n, line in enumerate(lines))
        bar_y = y + LINE * len(lines) + BAR_GAP
        paid_width = percent_of(paid, top)
        committed_width = percent_of(committed, top)
        segments = (
            Segment(x=0.0, width=paid_width, colour=PAID),
            Segment(x=paid_width, width=round(max(committed_width - paid_width, 0.0), 2), colour=COMMITTED),
        )
        note = (
            f"Paid {short_money(paid)}, committed {short_money(committed)} of a budget of {short_money(budget)}"
            f" ({_share(committed, budget)} committed)"
        )
        note_top = bar_y + MONEY_BAR + 4
        notes = tuple((line, note_top + LINE * (n + 1) - 5) for n, line in enumerate(wrap_label(note, width=wrap)))
        drawn.append(
            MoneyRow(
                label_lines=labels,
                y=bar_y,
                track_width=percent_of(budget, top),
                segments=segments,
                note_lines=notes,
            )
        )
        y = note_top + LINE * len(notes) + ROW_GAP
    grid_bottom = max(y - ROW_GAP, 0)
    return MoneyChart(
        id=chart_id,
        title=title,
        description=description,
        rows=tuple(drawn),
        ticks=_ticks(ticks, short_money, width=100.0),
        height=grid_bottom + AXIS_GAP + 6,
        grid_bottom=grid_bottom,
        tick_y=grid_bottom + AXIS_GAP,
    )


def _share(part: int, whole: int) -> str:
    """part as a whole percentage of whole ('0%' of nothing)."""
    if whole <= 0:
        return "0%"
    return f"{round(Fraction(part * 100, whole))}%"


# --- the London tile map ------------------------------------------------------------------------------------------

# The well-known square grid of the 33 London boroughs (7 rows, 8 columns; the "London squared" layout): each GSS
# code's (row, column), from 1 at the top left, and its three-letter code.
LONDON_GRID: dict[str, tuple[int, int, str]] = {
    "E09000010": (1, 5, "ENF"),
    "E09000015": (2, 3, "HRW"),
    "E09000003": (2, 4, "BRN"),
    "E09000014": (2, 5, "HGY"),
    "E09000031": (2, 6, "WTH"),
    "E09000017": (3, 1, "HDN"),
    "E09000009": (3, 2, "EAL"),
    "E09000005": (3, 3, "BRT"),
    "E09000007": (3, 4, "CMD"),
    "E09000019": (3, 5, "ISL"),
    "E09000012": (3, 6, "HCK"),
    "E09000026": (3, 7, "RDB"),
    "E09000016": (3, 8, "HAV"),
    "E09000018": (4, 1, "HNS"),
    "E09000013": (4, 2, "HMS"),
    "E09000020": (4, 3, "KNS"),
    "E09000033": (4, 4, "WST"),
    "E09000001": (4, 5, "CTY"),
    "E09000030": (4, 6, "TOW"),
    "E09000025": (4, 7, "NWM"),
    "E09000002": (4, 8, "BAR"),
    "E09000021": (5, 2, "KNG"),
    "E09000032": (5, 3, "WNS"),
    "E09000022": (5, 4, "LAM"),
    "E09000028": (5, 5, "SWK"),
    "E09000023": (5, 6, "LSH"),
    "E09000011": (5, 7, "GRN"),
    "E09000004": (5, 8, "BXL"),
    "E09000027": (6, 3, "RCH"),
    "E09000024": (6, 4, "MRT"),
    "E09000008": (6, 5, "CRD"),
    "E09000006": (6, 6, "BRM"),
    "E09000029": (7, 4, "STN"),
}
TILE = 64
TILE_GAP = 4
GRID_COLUMNS = 8
GRID_ROWS = 7


@dataclass(frozen=True)
class Tile:
    gss_code: str
    code: str
    name: str
    x: int
    y: int
    size: int
    fill: str
    text_colour: str
    step: int  # 0: no money; 1 to 5: the legend's steps
    value_text: str


@dataclass(frozen=True)
class LegendStep:
    step: int
    fill: str
    text: str


@dataclass(frozen=True)
class TileMap:
    id: str
    title: str
    description: str
    tiles: tuple[Tile, ...]
    legend: tuple[LegendStep, ...]
    width: int
    height: int


def money_steps(maximum: int) -> list[int]:
    """The upper bounds of the map's five steps of money, in round amounts: £6k, £12k, £18k, £24k and £30k (in
    pence) for a largest amount of £30k. Never zero, so every positive amount falls in a step."""
    step = nice_step(maximum, count=len(STEPS), multipliers=FINE_STEPS)
    return [step * n for n in range(1, len(STEPS) + 1)]


def step_for(value: int, bounds: Sequence[int]) -> int:
    """0 for no money, else the first step (1 to 5) whose upper bound holds value."""
    if value <= 0:
        return 0
    return next((n for n, bound in enumerate(bounds, start=1) if value <= bound), len(bounds))


def tile_map(*, chart_id: str, title: str, description: str, amounts: dict[str, int], names: dict[str, str]) -> TileMap:
    """The 33 boroughs as squares in their usual places, shaded in five steps of the amount in each (pence, by GSS
    code; a missing code has none), each with its code and rounded amount written on it, and the legend."""
    bounds = money_steps(max(amounts.values(), default=0))
    tiles = []
    for gss_code, (row, column, code) in LONDON_GRID.items():
        value = amounts.get(gss_code, 0)
        step = step_for(value, bounds)
        fill, text_colour = STEPS[step - 1] if step else NO_MONEY
        tiles.append(
            Tile(
                gss_code=gss_code,
                code=code,
                name=names.get(gss_code, code),
                x=(column - 1) * (TILE + TILE_GAP),
                y=(row - 1) * (TILE + TILE_GAP),
                size=TILE,
                fill=fill,
                text_colour=text_colour,
                step=step,
                value_text=short_money(value) if value else "£0",
            )
        )
    legend = [LegendStep(step=0, fill=NO_MONEY[0], text="No money")]
    lower = 0
    for n, bound in enumerate(bounds, start=1):
        legend.append(LegendStep(step=n, fill=STEPS[n - 1][0], text=f"{_above(lower)} to {short_money(bound)}"))
        lower = bound
    return TileMap(
        id=chart_id,
        title=title,
        description=description,
        tiles=tuple(sorted(tiles, key=lambda t: (t.y, t.x))),
        legend=tuple(legend),
        width=GRID_COLUMNS * (TILE + TILE_GAP) - TILE_GAP,
        height=GRID_ROWS * (TILE + TILE_GAP) - TILE_GAP,
    )


def _above(lower: int) -> str:
    return "More than £0" if lower == 0 else f"More than {short_money(lower)}"
