"""The annual compliance audit (年度合规审计) written down in Chinese, as JSON and as a readable
Markdown or Word document (the command: :mod:`aixin.commands.compliance`).

The figures come from :func:`projections.compliance.compliance_audit`; this module only
writes them down. ``--out audit.md`` (or ``.docx``) writes the document and, beside it,
``audit.json``; ``--out audit.json`` writes the JSON alone; without ``--out`` the Markdown is
printed. The Markdown and the JSON hold no time of writing, so the same year gives the same
bytes; the Word file embeds Office metadata, so compare its text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from domain.vocabulary import READ_TITLES, ROLE_TITLES, title_of


def render_markdown(audit: dict[str, Any]) -> str:
    """The audit as a Markdown document in Chinese."""
    year, access, glass = audit["year"], audit["access"], audit["break_glass"]
    erasures, breaches, keys = audit["erasures"], audit["duty_breaches"], audit["key_rotations"]
    lines = [
        f"# {year} 年度未成年人个人信息保护合规审计报告",
        "",
        f"审计期间：{audit['period']['from']} 至 {audit['period']['to']}（{audit['timezone']}）。"
        "本报告由事件日志及其投影生成，同一年度可重复生成，结果一致。",
        "",
        "## 一、概要",
        "",
        "| 项目 | 数量 |",
        "|---|---|",
        f"| 查阅儿童档案（次） | {access['reads']} |",
        f"| 被查阅儿童（人） | {access['children_read']} |",
        f"| 查阅人员（人） | {len(access['readers'])} |",
        f"| 紧急调阅（次） | {glass['uses']} |",
        f"| 个人信息删除（次） | {erasures['count']} |",
        f"| 逾期未履职上报（次） | {breaches['escalations']} |",
        f"| 逾期提醒（条） | {breaches['overdue_reminders']} |",
        f"| 密钥轮换（次） | {keys['count']} |",
        "",
        "## 二、谁查阅了哪些儿童的信息，及其事由",
        "",
        "记录范围：督导审计人员与妇联工作人员对儿童档案及历史档案的每次查阅，以及紧急调阅期间的"
        "每次查阅；爱心妈妈与学校仅在职责范围内查看其结对或在校儿童。",
        "",
    ]
    if access["readers"]:
        lines += ["| 查阅人 | 角色 | 查阅次数 | 涉及儿童（人） | 内容 | 紧急调阅查阅 | 事由 |",
                  "|---|---|---|---|---|---|---|"]
        for reader in access["readers"]:
            what = "，".join(f"{title_of(READ_TITLES, k)} {n} 次"
                            for k, n in reader["what"].items())
            reasons = "；".join(reader["reasons"]) or "职责范围内查阅"
            lines.append(
                f"| {_name(reader)} | {title_of(ROLE_TITLES, reader['role'])} | "
                f"{reader['reads']} | {len(reader['children'])} | {what} | "
                f"{reader['break_glass_reads']} | {_cell(reasons)} |")
        lines += ["", "各查阅人涉及的儿童（档案编号）：", ""]
        lines += [f"- {_name(r)}：{'、'.join(r['children'])}" for r in access["readers"]]
    else:
        lines.append("无。")
    lines += ["", "## 三、紧急调阅", ""]
    lines += _table(("调阅人", "儿童（档案编号）", "事由", "开始", "截止", "期间查阅（次）"),
                    [(_name(g), g["child_id"], _cell(g["reason"]), g["granted_at"],
                      g["expires_at"], g["reads"]) for g in glass["items"]])
    lines += ["", "## 四、个人信息删除", ""]
    lines += _table(("儿童（档案编号）", "日期", "执行人", "法定事由"),
                    [(e["child_id"], e["on"], e["by"] or "未知", _cell(e["reason"]))
                     for e in erasures["items"]])
    lines += ["", "## 五、未履职情况（逾期上报）", ""]
    lines += _table(("结对", "职责", "逾期起", "逾期天数", "上报日期", "行政区划"),
                    [(b["pairing_id"], b["duty_title"], b["overdue_since"], b["days_overdue"],
                      b["raised_on"], b["region_code"]) for b in breaches["items"]])
    if breaches["overdue_by_duty"]:
        lines += ["", "逾期提醒按职责：", ""]
        lines += [f"- {d['duty_title']}：{d['reminders']} 条" for d in breaches["overdue_by_duty"]]
    lines += ["", "## 六、密钥轮换", ""]
    if keys["items"]:
        lines += [f"- {k['at']}：{k['key']} {k['reason']}" for k in keys["items"]]
    else:
        lines.append("无。" if keys["recorded"] else "无（本系统尚未记录密钥轮换事件）。")
    lines += ["", f"校验值（SHA-256）：`{audit['digest']}`", ""]
    return "\n".join(lines)


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    """A Markdown table of ``rows`` under ``header``, or "无。" when there are none."""
    if not rows:
        return ["无。"]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)]


def docx_bytes(markdown: str) -> bytes:
    """The Markdown document as a Word file (headings, paragraphs, tables), in 宋体."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=0, cols=len(rows[0]), style="Table Grid")
            for cells in rows:
                for cell, text in zip(table.add_row().cells, cells, strict=False):
                    cell.text = text
            rows.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not set("".join(cells)) <= {"-"}:
                rows.append(cells)
            continue
        flush()
        if line.startswith("# "):
            document.add_heading(line[2:], level=0)
        elif line.startswith("## "):
            document.add_heading(line[3:], level=1)
        elif line.strip():
            document.add_paragraph(line.removeprefix("- ").replace("`", ""),
                                   style="List Bullet" if line.startswith("- ") else None)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(audit: dict[str, Any], out: Path) -> list[Path]:
    """Write the audit to ``out`` by its suffix (.json, .md, .docx); a document gets its JSON
    beside it. Returns the files written."""
    data = json.dumps(audit, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    json_path = out.with_suffix(".json")
    json_path.write_text(data, encoding="utf-8")
    if out.suffix == ".json":
        return [json_path]
    markdown = render_markdown(audit)
    if out.suffix == ".docx":
        out.write_bytes(docx_bytes(markdown))
    else:
        out.write_text(markdown, encoding="utf-8")
    return [out, json_path]


def _name(row: dict[str, Any]) -> str:
    return str(row.get("username") or row["user_id"])


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return text.replace("|", "｜").replace("\n", " ")
