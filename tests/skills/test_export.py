"""Markdown and Word exports of the brag doc and the plan."""

from __future__ import annotations

import io

from docx import Document

from coach.skills.brag import draft_entries, render_markdown
from coach.skills.export import markdown_to_docx


def test_brag_doc_docx_has_headings_and_bullets(ladder):
    markdown = render_markdown(draft_entries("- Mentored two interns\n- Cut p95 latency from 800ms to 120ms", ladder))
    document = Document(io.BytesIO(markdown_to_docx(markdown)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", "Brag document") in paragraphs
    assert any(style.startswith("Heading") and text == "Mentorship and talent" for style, text in paragraphs)
    assert ("List Bullet", "Cut p95 latency from 800ms to 120ms") in paragraphs
    assert any(style == "List Bullet 2" and "To add a number:" in text for style, text in paragraphs)


def test_plan_docx_keeps_the_table_and_plain_text(engine):
    from coach.skills.plans import build_plan

    plan = build_plan(engine.ladder, engine.retriever, "Senior", "coding", "Staff")
    document = Document(io.BytesIO(markdown_to_docx(plan.markdown + "\n\n<script>alert(1)</script>")))
    assert document.tables and document.tables[0].cell(0, 0).text == "Competency"
    assert len(document.tables[0].rows) == 8
    texts = [p.text for p in document.paragraphs]
    assert "First 30 days" in texts and "<script>alert(1)</script>" in texts  # kept as text, not markup
