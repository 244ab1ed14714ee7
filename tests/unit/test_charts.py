"""The inline SVG charts and the roll-rate matrix behind them: pure code, no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.web.buckets import DEFAULT_BUCKETS, ordered_buckets
from arrears.web.charts import Series, grouped_bar_chart, nice_ticks, percent_tick, plain_tick
from arrears.web.rollrates import Share, Transition, build_roll_matrix

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    """The data bars: rectangles inside a category group (the legend's swatches are not)."""
    groups = [group for group in root.iter(f"{SVG}g") if group.get("class") == "chart-group"]
    return [rect for group in groups for rect in group.iter(f"{SVG}rect")]


# --- axis ticks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (7, [0.0, 2.0, 4.0, 6.0, 8.0]),
        (0.37, [0.0, 0.1, 0.2, 0.3, 0.4]),
        (123_456, [0.0, 25_000.0, 50_000.0, 75_000.0, 100_000.0, 125_000.0]),
        (0, [0.0, 1.0]),
        (float("nan"), [0.0, 1.0]),
    ],
)
def test_nice_ticks_start_at_zero_and_reach_the_top_on_a_round_step(top, expected):
    assert nice_ticks(top) == expected


@given(st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_nice_ticks_always_cover_the_top_with_few_even_steps(top):
    ticks = nice_ticks(top)
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert ticks[0] == 0
    assert ticks[-1] >= top * (1 - 1e-9)
    assert 2 <= len(ticks) <= 11
    assert len({round(step / ticks[1], 6) for step in steps}) == 1


def test_tick_labels():
    assert percent_tick(0.25) == "25%"
    assert plain_tick(1_234_567) == "1,234,567"
    assert plain_tick(2.5) == "2.5"


# --- the bar chart --------------------------------------------------------------------------


def test_a_grouped_bar_chart_draws_one_bar_per_value_scaled_to_the_axis():
    # given
    forward = Series("forward", (0.5, 0.25), "#c2410c")
    stay = Series("stay", (1.0, None), "#64748b")
    # when
    svg = grouped_bar_chart(["M1", "M2"], [forward, stay], title="Roll rates", y_max=1.0, y_format=percent_tick)
    # then
    root = parse(svg)
    drawn = bars(root)
    assert len(drawn) == 3  # None draws nothing
    heights = [float(rect.get("height")) for rect in drawn]
    assert heights[0] == pytest.approx(heights[1] / 2, abs=0.11)  # 0.5 against 1.0
    assert heights[2] == pytest.approx(heights[0] / 2, abs=0.11)  # 0.25 against 0.5
    assert [rect.get("fill") for rect in drawn] == ["#c2410c", "#64748b", "#c2410c"]
    assert "100%" in svg and "50%" in svg


def test_a_chart_is_an_accessible_image_with_its_title_and_description():
    series = [Series("a", (1.0,), "red")]
    svg = grouped_bar_chart(["M1"], series, title="Title", description="What it shows", chart_id="c1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Title"
    assert root.find(f"{SVG}desc").text == "What it shows"
    assert root.get("viewBox") == "0 0 720 320"


def test_each_bar_says_its_category_series_and_value():
    series = Series("前滚", (0.123,), "#123456", value_labels=("12.3%",))
    root = parse(grouped_bar_chart(["M3"], [series], title="t", y_max=1.0))
    (bar,) = bars(root)
    assert bar.find(f"{SVG}title").text == "M3 · 前滚: 12.3%"


def test_every_text_is_escaped():
    # given text that would break out of the markup
    hostile = '<script>alert("x")</script>&'
    series = Series(hostile, (1.0,), "#000", value_labels=(hostile,))
    # when
    svg = grouped_bar_chart([hostile], [series], title=hostile, description=hostile)
    # then
    assert "<script>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == hostile


def test_values_above_a_fixed_top_are_clipped_to_the_plot():
    root = parse(grouped_bar_chart(["a"], [Series("s", (3.0,), "#000")], title="t", y_max=1.0))
    (bar,) = bars(root)
    assert float(bar.get("y")) >= 36 - 0.05  # the plot's top margin


def test_a_chart_with_nothing_to_draw_says_so():
    svg = grouped_bar_chart([], [], title="t", empty_text="No data")
    assert "No data" in svg
    assert bars(parse(svg)) == []


def test_all_none_values_without_a_fixed_axis_is_empty():
    svg = grouped_bar_chart(["a"], [Series("s", (None,), "#000")], title="t", empty_text="—")
    assert bars(parse(svg)) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: Series("s", (1.0,), 'red" onload="x'),
        lambda: Series("s", (-1.0,), "#000"),
        lambda: Series("s", (float("inf"),), "#000"),
        lambda: Series("s", (1.0, 2.0), "#000", value_labels=("1",)),
        lambda: grouped_bar_chart(["a", "b"], [Series("s", (1.0,), "#000")], title="t"),
        lambda: grouped_bar_chart(["a"], [Series("s", (1.0,), "#000")], title="t", chart_id='x" onclick="y'),
    ],
)
def test_bad_input_is_refused_with_a_value_error(make):
    with pytest.raises(ValueError):
        make()


# --- buckets and the roll-rate matrix -------------------------------------------------------


def test_buckets_sort_in_delinquency_order_with_unknown_labels_last():
    assert ordered_buckets(["M10", "writeoff", "M7+", "M7"]) == [*DEFAULT_BUCKETS[:-1], "M7", "M7+", "M10", "writeoff"]


@pytest.mark.parametrize(
    ("accounts", "total", "percent"),
    [(1, 3, "33.3%"), (2, 3, "66.7%"), (0, 0, "0.0%"), (4, 4, "100.0%"), (1, 8, "12.5%")],
)
def test_a_share_is_rounded_half_up_to_a_tenth_of_a_percent(accounts, total, percent):
    assert Share(accounts, total).percent == percent


def test_the_matrix_splits_each_bucket_into_roll_forward_stay_improve_and_cure():
    # given
    matrix = build_roll_matrix(
        [
            Transition("M0", "M0", 90),
            Transition("M0", "M1", 10),
            Transition("M2", "M3", 5),
            Transition("M2", "M2", 3),
            Transition("M2", "M1", 1),
            Transition("M2", "M0", 1),
            Transition("M2", "M0", 0),
        ]
    )
    # then
    assert matrix.buckets == DEFAULT_BUCKETS
    assert matrix.accounts == 110
    current = matrix.row("M0")
    assert (current.forward.percent, current.stay.percent, current.cure) == ("10.0%", "90.0%", None)
    late = matrix.row("M2")
    assert late.accounts == 10
    assert [late.forward.accounts, late.stay.accounts, late.improved.accounts, late.cure.accounts] == [5, 3, 1, 1]
    assert [cell.accounts for cell in late.cells] == [1, 1, 3, 5, 0, 0, 0, 0]
    assert [row.bucket for row in matrix.populated_rows] == ["M0", "M2"]
    assert matrix.row("M5").accounts == 0 and matrix.row("M5").forward.percent == "0.0%"


def test_the_matrix_adds_up_repeated_pairs_and_refuses_negative_counts():
    matrix = build_roll_matrix([Transition("M1", "M1", 2), Transition("M1", "M1", 3)])
    assert matrix.row("M1").stay.accounts == 5
    with pytest.raises(ValueError):
        build_roll_matrix([Transition("M1", "M1", -1)])
    with pytest.raises(KeyError):
        matrix.row("M99")


_bucket = st.sampled_from([*DEFAULT_BUCKETS, "M9"])


@given(st.lists(st.builds(Transition, _bucket, _bucket, st.integers(min_value=0, max_value=10_000)), max_size=40))
def test_every_row_of_the_matrix_accounts_for_all_its_accounts(transitions):
    matrix = build_roll_matrix(transitions)
    assert matrix.accounts == sum(t.accounts for t in transitions)
    for row in matrix.rows:
        assert sum(cell.accounts for cell in row.cells) == row.accounts
        cured = row.cure.accounts if row.cure else 0
        assert row.forward.accounts + row.stay.accounts + row.improved.accounts + cured == row.accounts
        assert row.improved.accounts >= 0
        if row.accounts:
            assert abs(sum(cell.per_mille for cell in row.cells) - 1000) <= len(row.cells)


def test_a_roll_rate_chart_from_a_matrix_is_well_formed():
    matrix = build_roll_matrix([Transition("M1", "M2", 3), Transition("M1", "M0", 1)])
    rows = matrix.populated_rows
    svg = grouped_bar_chart(
        [row.bucket for row in rows],
        [
            Series("forward", tuple(r.forward.ratio for r in rows), "#c2410c", tuple(r.forward.percent for r in rows)),
            Series("cure", tuple(r.cure.ratio for r in rows), "#15803d", tuple(r.cure.percent for r in rows)),
        ],
        title="Roll rates",
        y_max=1.0,
        y_format=percent_tick,
    )
    assert [bar.find(f"{SVG}title").text for bar in bars(parse(svg))] == ["M1 · forward: 75.0%", "M1 · cure: 25.0%"]
