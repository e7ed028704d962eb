"""The console's charts read on a 390 px phone: text never under 12 px, values never cut off,
and a duty not yet due is not drawn like an overdue one."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from api.console.charts import Bar, StateBar, count_bars, share_bars, state_bars

#: A 390 px screen less the page's and the card's padding: the width a chart is given.
PHONE_CHART_PX = 340
#: The charts' text size in the console's stylesheet, where the SVG sets none.
CSS_TEXT_PX = 13
SVG = "{http://www.w3.org/2000/svg}"


def svg_of(chart: str) -> ET.Element:
    drawn = re.search(r"<svg.*?</svg>", chart, re.S)
    assert drawn is not None
    return ET.fromstring(drawn[0])


def scale_at(svg: ET.Element, width_px: float) -> tuple[float, float]:
    """How much the SVG is scaled at ``width_px`` (it fills the width), and its width in its
    own units."""
    box = svg.get("viewBox")
    if box is None:
        return 1.0, width_px
    units = float(box.split()[2])
    return width_px / units, units


def text_px(words: str, size: float) -> float:
    """A text's width at ``size`` px: a Chinese character 1 em, anything else 0.6 em."""
    return sum(size if ord(c) > 0x2E80 else 0.6 * size for c in words)


def spans(svg: ET.Element, width_px: float) -> list[tuple[str, float, float, float]]:
    """Each text's words, left and right edge in the SVG's units, and its size on screen."""
    scale, units = scale_at(svg, width_px)
    found = []
    for text in svg.iter(f"{SVG}text"):
        words, size = text.text or "", float(text.get("font-size") or CSS_TEXT_PX)
        x = text.get("x", "0")
        left = units * float(x[:-1]) / 100 if x.endswith("%") else float(x)
        wide = text_px(words, size) / scale if svg.get("viewBox") else text_px(words, size)
        anchor = text.get("text-anchor", "start")
        left -= wide if anchor == "end" else wide / 2 if anchor == "middle" else 0
        found.append((words, left, left + wide, size * scale))
    return found


REPORT_LIKE = [Bar("郢中街道", 0.94, "144/153"), Bar("九里回族乡", 0.5, "1/2"),
               Bar("按时完成每月至少一次的电话联系", 1.0, "1200/1200")]


def test_chart_text_is_at_least_12px_on_a_390px_phone() -> None:
    for chart in (share_bars("各乡镇结对覆盖率", REPORT_LIKE),
                  state_bars("各乡镇帮扶职责", [StateBar("洋梓镇", 10, 3, 2)]),
                  count_bars("近 12 个月联系次数", [(f"{m}月", 12000) for m in range(1, 13)])):
        sizes = [size for *_, size in spans(svg_of(chart), PHONE_CHART_PX)]
        assert min(sizes) >= 12


@pytest.mark.parametrize("chart", [
    share_bars("各乡镇结对覆盖率", REPORT_LIKE),
    count_bars("近 12 个月联系次数", [("2025年12月", 10605), ("2026年1月", 10648)])])
def test_a_value_and_its_label_fit_in_the_chart_without_touching(chart: str) -> None:
    svg = svg_of(chart)
    _, units = scale_at(svg, PHONE_CHART_PX)
    drawn = spans(svg, PHONE_CHART_PX)
    assert all(left >= 0 and right <= units for _, left, right, _ in drawn), drawn
    by_line: dict[float, list[tuple[float, float]]] = {}
    for text in svg.iter(f"{SVG}text"):
        words = text.text or ""
        left, right = next((le, ri) for w, le, ri, _ in drawn if w == words)
        by_line.setdefault(float(text.get("y", "0")), []).append((left, right))
    for line in by_line.values():
        line.sort()
        assert all(a[1] < b[0] for a, b in pairwise(line)), line


def test_a_value_is_written_whole() -> None:
    chart = share_bars("各乡镇结对覆盖率", REPORT_LIKE)
    assert "94% 144/153" in chart and "100% 1200/1200" in chart


def test_a_share_not_yet_due_is_grey_and_said_so_never_red() -> None:
    chart = share_bars("各项职责履职率", [Bar("每学期家访", None, "0/0")])
    assert "chart-bar poor" not in chart
    assert "chart-bar pending" in chart and "未到期" in chart


def test_overdue_and_not_yet_due_duties_have_colours_of_their_own_told_by_a_legend() -> None:
    chart = state_bars("各乡镇帮扶职责", [StateBar("洋梓镇", met=5, due=3, overdue=2)])
    fills = dict(re.findall(r'class="chart-bar (\w+)" fill="(#\w+)"', chart))
    assert set(fills) == {"met", "due", "overdue"}
    assert len(set(fills.values())) == 3
    legend = re.search(r'<figcaption class="chart-legend">.*</figcaption>', chart)
    assert legend is not None
    keys = re.findall(r"</i>([^<]+)</span>", legend[0])
    assert keys == ["已完成", "未到期（本期待完成）", "已逾期"]


def test_a_chart_without_data_says_so_and_explains_no_colours() -> None:
    chart = share_bars("各乡镇履职率", [])
    assert "暂无数据" in chart and "chart-legend" not in chart
