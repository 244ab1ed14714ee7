"""Charts drawn on the server as inline SVG: no JavaScript, no external asset, no Django.

    >>> svg = grouped_bar_chart(
    ...     ["M1", "M2"],
    ...     [Series("forward", (0.25, 0.5), "#c2410c")],
    ...     title="Roll rates",
    ...     y_max=1.0,
    ...     y_format=percent_tick,
    ... )
    >>> svg.startswith("<svg")
    True

Every text that reaches the markup is escaped here, so callers may mark the result safe.
Colours are checked, since they land inside attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-z]{3,20})$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True, slots=True)
class Series:
    """One set of bars, one value per category; None draws no bar (not the same as 0).

    value_labels, when given, are the texts shown for each bar (e.g. "23.4%"); otherwise the
    chart formats the values with its y_format.
    """

    label: str
    values: tuple[float | None, ...]
    colour: str
    value_labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.colour):
            raise ValueError(f"Unsupported colour {self.colour!r}: use #rgb, #rrggbb or a CSS colour name")
        if any(value is not None and (value < 0 or not math.isfinite(value)) for value in self.values):
            raise ValueError(f"Series {self.label!r} has a negative or non-finite value")
        if self.value_labels is not None and len(self.value_labels) != len(self.values):
            raise ValueError(f"Series {self.label!r} has {len(self.values)} values but {len(self.value_labels)} labels")


@dataclass(frozen=True, slots=True)
class _Frame:
    width: int
    height: int
    left: int = 52
    right: int = 12
    top: int = 36
    bottom: int = 34

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    def y(self, value: float, top_value: float) -> float:
        return self.top + self.plot_height * (1 - value / top_value)


def percent_tick(value: float) -> str:
    """Axis text for a ratio: 0.25 → "25%"."""
    return f"{value * 100:.0f}%"


def plain_tick(value: float) -> str:
    """Axis text for a count: whole numbers with thousands separators, otherwise up to 2 decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Evenly spaced ticks from 0 to at least `top`, on a 1, 2, 2.5 or 5 × 10ⁿ step.

    >>> nice_ticks(1.0)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count!r}")
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    rough = top / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    steps = math.ceil(round(top / step, 9))
    return [float(round(i * step, 10)) for i in range(steps + 1)]


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    y_max: float | None = None,
    y_format: Callable[[float], str] = plain_tick,
    empty_text: str = "—",
    chart_id: str = "chart",
    width: int = 720,
    height: int = 320,
) -> str:
    """Bars for each series side by side within each category, a value axis, and a legend.

    y_max fixes the top of the axis (1.0 for ratios); otherwise it fits the largest value.
    The SVG scales to its container (viewBox) and is announced as an image with its title.
    """
    if not _ID.match(chart_id):
        raise ValueError(f"Unsupported chart id {chart_id!r}")
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"Series {one.label!r} has {len(one.values)} values for {len(categories)} categories")
    frame = _Frame(width=width, height=height)
    parts = [_open(chart_id, frame, title, description)]
    values = [value for one in series for value in one.values if value is not None]
    if not categories or not series or not values and y_max is None:
        parts.append(
            f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" class="chart-empty">'
            f"{escape(empty_text)}</text>"
        )
        parts.append("</svg>")
        return "".join(parts)
    ticks = nice_ticks(y_max if y_max is not None else max(values))
    top_value = ticks[-1]
    parts.append(_axis(frame, ticks, top_value, y_format))
    parts.append(_bars(frame, categories, series, top_value, y_format))
    parts.append(_legend(frame, series))
    parts.append("</svg>")
    return "".join(parts)


def _open(chart_id: str, frame: _Frame, title: str, description: str) -> str:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    labelled = f"{title_id} {desc_id}" if description else title_id
    desc = f'<desc id="{desc_id}">{escape(description)}</desc>' if description else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{labelled}" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" font-family="{escape(FONT)}" font-size="12">'
        f'<title id="{title_id}">{escape(title)}</title>{desc}'
    )


def _axis(frame: _Frame, ticks: list[float], top_value: float, y_format: Callable[[float], str]) -> str:
    lines = []
    for tick in ticks:
        y = frame.y(tick, top_value)
        lines.append(
            f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d5dbe3" stroke-width="{1.5 if tick == 0 else 1}"/>'
            f'<text x="{frame.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4b5563">'
            f"{escape(y_format(tick))}</text>"
        )
    return '<g class="chart-axis">' + "".join(lines) + "</g>"


def _bars(
    frame: _Frame,
    categories: Sequence[str],
    series: Sequence[Series],
    top_value: float,
    y_format: Callable[[float], str],
) -> str:
    group_width = frame.plot_width / len(categories)
    bar_width = group_width * 0.8 / len(series)
    show_values = bar_width >= 22
    out = []
    for index, category in enumerate(categories):
        group_left = frame.left + index * group_width + group_width * 0.1
        label_x, label_y = group_left + group_width * 0.4, frame.height - frame.bottom + 18
        out.append(
            f'<g class="chart-group"><text x="{label_x:.1f}" y="{label_y}" text-anchor="middle" fill="#111827">'
            f"{escape(category)}</text>"
        )
        for number, one in enumerate(series):
            value = one.values[index]
            if value is None:
                continue
            shown = one.value_labels[index] if one.value_labels is not None else y_format(value)
            x = group_left + number * bar_width
            y = frame.y(min(value, top_value), top_value)
            bar_height = frame.top + frame.plot_height - y
            out.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar_width - 2:.1f}" height="{bar_height:.1f}" '
                f'fill="{one.colour}"><title>{escape(category)} · {escape(one.label)}: {escape(shown)}</title></rect>'
            )
            if show_values:
                out.append(
                    f'<text x="{x + bar_width / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="10" '
                    f'fill="#374151">{escape(shown)}</text>'
                )
        out.append("</g>")
    return "".join(out)


def _legend(frame: _Frame, series: Sequence[Series]) -> str:
    out = ['<g class="chart-legend">']
    x = float(frame.left)
    for one in series:
        out.append(
            f'<rect x="{x:.1f}" y="10" width="12" height="12" rx="2" fill="{one.colour}"/>'
            f'<text x="{x + 17:.1f}" y="20.5" fill="#111827">{escape(one.label)}</text>'
        )
        # CJK glyphs are about twice as wide as Latin ones at the same size
        x += 17 + sum(12 if ord(ch) > 0x2E80 else 7 for ch in one.label) + 20
    out.append("</g>")
    return "".join(out)
