"""Charts drawn on the server as inline SVG (覆盖率、履职率图表): no script, no download.

A chart is drawn for whatever width it is given, not scaled: positions across are in
percent of the chart's width and text is in CSS pixels (:data:`TEXT_PX` and up), so its text
stays as large on a 390 px phone as on a desktop; the title is a line of the page
above the drawing, wrapping as text does. Each row puts its label and its value on
one line (the label at the left, the value at the right, never under the bar's end, so
nothing is clipped) and the bar under them. Colours say one thing each, told by a legend
under the chart: a share's bar is green, amber or red by how high it is; a share not yet due
(nothing owed yet) is grey, never red; duties are met (green), open and not yet due (blue) or
overdue (red).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

#: The smallest text a chart draws (CSS px): legible on a phone.
TEXT_PX = 13
#: The longest label drawn whole; a longer one ends in "…" (its whole text is its tooltip).
LABEL_CHARS = 16
_ROW, _TOP = 44, 4
#: Where :func:`count_bars` draws its bars across (percent): labels before, counts after.
_BAR_FROM, _BAR_ROOM = 24, 56

#: Each colour a chart uses and what it says (the legend's words).
TONES: dict[str, tuple[str, str]] = {
    "good": ("#15803d", "≥90%"),
    "fair": ("#d97706", "60%–90%"),
    "poor": ("#b91c1c", "<60%"),
    "pending": ("#9aa5b1", "未到期"),
    "met": ("#15803d", "已完成"),
    "due": ("#2563eb", "未到期（本期待完成）"),
    "overdue": ("#b91c1c", "已逾期"),
    "count": ("#2f6f9f", ""),
}


@dataclass(frozen=True)
class Bar:
    label: str
    #: A share, 0 to 1; None when nothing is due yet (drawn grey, "未到期").
    value: float | None
    note: str = ""  # e.g. "12/15"


@dataclass(frozen=True)
class StateBar:
    """Duties of one row (a township, a duty) by state: met, open and not yet due, overdue."""

    label: str
    met: int
    due: int
    overdue: int

    @property
    def total(self) -> int:
        return self.met + self.due + self.overdue


def share_bars(title: str, bars: Sequence[Bar], *, width: int = 640) -> Markup:
    """Horizontal bars of shares (0 to 100 %), one per label, each with its percentage and
    note. ``width`` is kept for callers and no longer used: the chart fills its box."""
    rows = []
    for bar in bars:
        if bar.value is None:
            rows.append(_row(bar.label, "未到期" + _note(bar.note), [(1.0, "pending")],
                             track=False))
            continue
        share = min(max(bar.value, 0.0), 1.0)
        tone = "good" if share >= 0.9 else "fair" if share >= 0.6 else "poor"
        rows.append(_row(bar.label, f"{share * 100:.0f}%" + _note(bar.note), [(share, tone)]))
    tones = ["good", "fair", "poor"] + (["pending"] if any(b.value is None for b in bars) else [])
    return _chart(title, rows, tones)


def state_bars(title: str, bars: Sequence[StateBar]) -> Markup:
    """One bar per row split by the duties' states, overdue first; the value says how many
    are overdue of how many owed."""
    rows = []
    for bar in bars:
        total = bar.total or 1
        parts = [(bar.overdue / total, "overdue"), (bar.due / total, "due"),
                 (bar.met / total, "met")]
        value = f"逾期 {bar.overdue} / {bar.total}" if bar.overdue else f"无逾期 / {bar.total}"
        rows.append(_row(bar.label, value, parts))
    return _chart(title, rows, ["met", "due", "overdue"])


def count_bars(title: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """One short bar per row of counts (contacts per month): the label at the left, the
    count at the right, the bar between them, the largest count filling its room."""
    step, top = 26, max((count for _, count in rows), default=0) or 1
    parts = [_head(title, _TOP + step * max(len(rows), 1))]
    for index, (label, count) in enumerate(rows):
        y = _TOP + index * step
        parts += [f"<g><title>{escape(label)}：{count}</title>",
                  _text("0", y + 16, label, "chart-label"),
                  f'<rect x="{_BAR_FROM}%" y="{y + 6}" width="{_BAR_ROOM:.2f}%" height="14" '
                  f'class="chart-track" fill="#eef0f3"/>',
                  f'<rect x="{_BAR_FROM}%" y="{y + 6}" width="{_BAR_ROOM * count / top:.2f}%" '
                  f'height="14" class="chart-bar count" fill="{TONES["count"][0]}"/>',
                  _text("100%", y + 16, str(count), "chart-value", "end"), "</g>"]
    if not rows:
        parts.append(_text("0", _TOP + 18, "暂无数据", "chart-label"))
    parts.append("</svg>")
    return Markup(f'<figure class="chart-figure">{"".join(parts)}</figure>')


def _note(note: str) -> str:
    return f" {note}" if note else ""


def _row(label: str, value: str, parts: list[tuple[float, str]], *,
         track: bool = True) -> tuple[str, str, list[tuple[float, str]], bool]:
    return label, value, parts, track


def _chart(title: str, rows: list[tuple[str, str, list[tuple[float, str]], bool]],
           tones: list[str]) -> Markup:
    height = _TOP + _ROW * max(len(rows), 1)
    parts = [_head(title, height)]
    if not rows:
        parts.append(_text("0", _TOP + 18, "暂无数据", "chart-label"))
    for index, (label, value, segments, track) in enumerate(rows):
        y = _TOP + index * _ROW
        shown = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        parts += [f"<g><title>{escape(label)}：{escape(value)}</title>",
                  _text("0", y + 14, shown, "chart-label"),
                  _text("100%", y + 14, value, "chart-value", "end")]
        if track:
            parts.append(f'<rect x="0" y="{y + 21}" width="100%" height="14" '
                         f'class="chart-track" fill="#eef0f3"/>')
        left = 0.0
        for share, tone in segments:
            if share > 0:
                parts.append(f'<rect x="{left * 100:.2f}%" y="{y + 21}" '
                             f'width="{share * 100:.2f}%" height="14" '
                             f'class="chart-bar {tone}" fill="{TONES[tone][0]}"/>')
            left += share
        parts.append("</g>")
    parts.append("</svg>")
    legend = _legend(tones) if rows else ""  # no colours drawn, none to explain
    return Markup(f'<figure class="chart-figure">{"".join(parts)}{legend}</figure>')


def _head(title: str, height: int) -> str:
    """The chart's title as a line of the page (it wraps on a narrow screen), and its SVG."""
    return (f'<div class="chart-heading">{escape(title)}</div>'
            f'<svg class="chart" role="img" width="100%" height="{height}" '
            f'style="height:{height}px" xmlns="http://www.w3.org/2000/svg" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>')


def _text(x: str, y: int, words: str, kind: str, anchor: str = "start") -> str:
    return (f'<text x="{x}" y="{y}" class="{kind}" font-size="{TEXT_PX}" '
            f'text-anchor="{anchor}">{escape(words)}</text>')


def _legend(tones: list[str]) -> str:
    items = "".join(
        f'<span class="chart-key"><i class="chart-swatch {tone}" '
        f'style="background:{TONES[tone][0]}"></i>{escape(TONES[tone][1])}</span>'
        for tone in tones)
    return f'<figcaption class="chart-legend">{items}</figcaption>'
