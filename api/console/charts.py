"""Charts drawn on the server as inline SVG (覆盖率、履职率图表): no script, no download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # a share, 0 to 1
    note: str = ""  # e.g. "12/15"


def share_bars(title: str, bars: Sequence[Bar], *, width: int = 640) -> Markup:
    """Horizontal bars of shares (0 to 100 %), one per label, with the percentage written."""
    row, label_w, top = 28, 150, 30
    plot_w = width - label_w - 70
    height = top + row * max(len(bars), 1) + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="18" class="chart-title">{escape(title)}</text>']
    if not bars:
        parts.append(f'<text x="0" y="{top + 18}" class="chart-label">暂无数据</text>')
    for index, bar in enumerate(bars):
        y = top + index * row
        share = min(max(bar.value, 0.0), 1.0)
        tone = "good" if share >= 0.9 else "fair" if share >= 0.6 else "poor"
        parts += [
            f'<text x="0" y="{y + 17}" class="chart-label">{escape(bar.label[:12])}</text>',
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="18" class="chart-track"/>',
            f'<rect x="{label_w}" y="{y + 4}" width="{plot_w * share:.1f}" height="18" '
            f'class="chart-bar {tone}"/>',
            f'<text x="{label_w + plot_w + 6}" y="{y + 17}" class="chart-value">'
            f'{share * 100:.0f}%{escape(" " + bar.note if bar.note else "")}</text>']
    parts.append("</svg>")
    return Markup("".join(parts))
