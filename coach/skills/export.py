"""Exports of the brag doc and the plan: the Markdown the app shows, and the same content as a Word document."""

from __future__ import annotations

import io
import re

from coach.text import list_item

INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*)")


def _add_inline(paragraph, text: str) -> None:
    """Bold (**x**) and italic (*x*) runs; everything else is plain text, never interpreted further."""
    for part in INLINE.split(text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(part[2:-2]).bold = True
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        elif part:
            paragraph.add_run(part)


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_to_docx(markdown: str) -> bytes:
    """Headings, paragraphs, bullet lists (two levels), numbered lists and pipe tables, as a .docx file."""
    from docx import Document

    document = Document()
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        heading = re.match(r"^(#{1,4})\s+(.*)$", stripped)
        if not stripped or re.match(r"^-{3,}$", stripped):
            index += 1
            continue
        if heading:
            document.add_heading(
                heading.group(2), level=len(heading.group(1)) - (0 if len(heading.group(1)) > 1 else 1)
            )
        elif stripped.startswith("|"):
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                if not re.match(r"^\|?\s*:?-{2,}", lines[index].strip()):
                    rows.append(_table_cells(lines[index]))
                index += 1
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    _add_inline(table.cell(r, c).paragraphs[0], cell)
                    if r == 0:
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
            continue
        elif (item := list_item(line)) is not None:
            nested = len(line) - len(line.lstrip()) >= 2
            style = "List Number" if stripped[0].isdigit() else "List Bullet 2" if nested else "List Bullet"
            _add_inline(document.add_paragraph(style=style), item)
        else:
            _add_inline(document.add_paragraph(), stripped)
        index += 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
