"""The quarterly report's files (季度报送材料): an Excel workbook and a Word narrative, in Chinese.

Both are rendered from the figures of :func:`projections.reports.quarterly.compute_figures` (or
:func:`~projections.reports.quarterly.combine`), so they say exactly what the JSON says; the
optional ``changes`` (:func:`~projections.reports.changes.explain_changes`) add what moved since
an earlier version of the same report, and which late records moved it; the request's
``submission`` says who sends them upward (报送单位, 填报人, 审核人 with phones, 填报日期).

Fit to send upward: every table by place or school ends with its 合计 row, places are named
with their codes (胡集镇（420881103）), both print on A4 (the workbook's sheets fit to the
page's width, header row repeated, 第 X 页 共 Y 页 in the footer; the narrative's footer has
PAGE and NUMPAGES fields), and both end with a note of what each main figure counts (说明).

- :func:`xlsx_bytes`: one sheet per table (总体情况, 留守儿童构成, 结对覆盖, 联系走访,
  履职情况, the tables by township in three sheets by theme (按乡镇-儿童, 按乡镇-结对与走访,
  按乡镇-关爱活动与志愿者) and by school in two (按学校-儿童, 按学校-结对与走访, each school
  with its township), 退出与结束原因, 情况报告, 志愿者, 说明; and, when changes are given,
  变化说明 and 补录记录, the late records and corrections that moved the figures), with
  native Excel charts: pairing coverage by township (bar) and paired/unpaired (pie), duty
  compliance by duty (bar). Each sheet prints on A4 at a readable scale
  (:func:`workers.reports.paper.print_scale`).
- :func:`docx_bytes`: the narrative in the shape of the programme's templates ("留守儿童____人
  （男____人，女____人），年龄____至____岁" ...), with the blanks filled in, and tables by
  township, school and duty. The styles name an East Asian font (宋体, headings 黑体), so Word and
  WPS show the Chinese text as intended.

The workbook is :mod:`workers.reports.workbook`, the narrative :mod:`workers.reports.narrative`,
the words they share :mod:`workers.reports.wording`, their paper (A4, page numbers)
:mod:`workers.reports.paper`; here both are written to disk.

The figures are reproducible byte for byte; the files embed the time they were written (Office
metadata), so compare their contents, not their bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from domain.reports import Submission
from workers.reports.narrative import docx_bytes
from workers.reports.wording import Places, file_stem, title
from workers.reports.workbook import xlsx_bytes

__all__ = ["docx_bytes", "file_stem", "title", "write_files", "xlsx_bytes"]


def write_files(figures: Mapping[str, Any], folder: Path,
                changes: Mapping[str, Any] | None = None,
                places: Places | None = None,
                submission: Submission | None = None,
                schools: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Write ``<stem>.xlsx`` and ``<stem>.docx`` into ``folder``; returns them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(figures)
    written = {f"{stem}.xlsx": xlsx_bytes(figures, changes, places, submission, schools),
               f"{stem}.docx": docx_bytes(figures, changes, places, submission, schools)}
    paths = {}
    for name, content in written.items():
        path = folder / name
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(path)  # a re-run (a re-delivered task) replaces it whole
        paths[name] = path
    return paths
