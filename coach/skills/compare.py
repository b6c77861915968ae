"""Side-by-side comparison of two roles: the ladder's dimensions as a table, and the corpus's take on the difference."""

from __future__ import annotations

from coach.knowledge.ladder import Ladder, Level
from coach.records import Comparison, Profile
from coach.retrieval.search import HybridRetriever, Retrieved, relevant, to_source
from coach.skills.answers import opening
from coach.text import list_items, terms

KEY_DIFFERENCES = "**Key differences**"


def _cell(text: str) -> str:
    """Table cells are one line with no pipe, so user-visible markdown stays a table."""
    return " ".join(text.replace("|", "/").split())


def comparison_rows(ladder: Ladder, first: Level, second: Level) -> list[dict[str, str]]:
    rows = []
    for key, name in ladder.dimensions:
        if key == "typical_years":
            values = (f"{first.typical_years} years", f"{second.typical_years} years")
        else:
            values = (first.dimensions[key], second.dimensions[key])
        rows.append({"dimension": name, first.name: _cell(values[0]), second.name: _cell(values[1])})
    return rows


def _about_both(item: Retrieved, first: str, second: str) -> bool:
    levels = {level.lower() for level in item.chunk.levels}
    return first.lower() in levels and second.lower() in levels


def compare_roles(ladder: Ladder, retriever: HybridRetriever, role_a: str, role_b: str) -> Comparison:
    """Compare two canonical roles; raises KeyError for a role the ladder does not have."""
    first, second = ladder.level(role_a), ladder.level(role_b)
    rows = comparison_rows(ladder, first, second)
    query = (
        f"How does a {first.name} differ from a {second.name}? Key differences between {first.name} and {second.name}"
    )
    retrieved = retriever.retrieve(query, k=8, levels=(first.name, second.name))
    # A section about both roles ("How to get promoted from Mid to Senior") says the most about the difference, then
    # any section of a document written about both (a "Lead vs Staff" guide).
    exact = [item for item in retrieved if {first.name, second.name} <= set(item.chunk.section_levels)]
    focused = [item for item in retrieved if _about_both(item, first.name, second.name)]
    # Else sections about one of the two and no third role: "Senior vs Staff" says nothing of a Senior EM vs Staff.
    either = [item for item in retrieved if set(item.chunk.section_levels) & {first.name, second.name}
              and not set(item.chunk.section_levels) - {first.name, second.name}]  # fmt: skip
    used = relevant(exact or focused or either, limit=3)
    query_terms = terms(query) | {"difference", "differ", "key"}
    # The section's own answer first ("The main difference is that ..."), then its points that name the roles.
    lead = opening(used[0].chunk.text) if used else ""
    summary_lines: list[str] = [f"{lead} [1]"] if lead else []
    for index, item in enumerate(used):
        for line in list_items(item.chunk.text):
            if terms(line) & terms(f"{first.name} {second.name}"):
                summary_lines.append(f"- {line} [{index + 1}]")
        if len(summary_lines) >= 5:
            break
    if not summary_lines and used:
        best = max(used, key=lambda item: len(terms(item.chunk.text) & query_terms))
        sentence = best.chunk.text.split("\n\n")[0].strip()
        summary_lines.append(f"{sentence} [{used.index(best) + 1}]")
    summary = "\n".join(summary_lines[:5])

    header = f"| Dimension | {first.name} | {second.name} |\n|---|---|---|"
    table = "\n".join(f"| {row['dimension']} | {row[first.name]} | {row[second.name]} |" for row in rows)
    table_markdown = (
        f"**{first.name} vs {second.name}**\n\n{header}\n{table}\n\n"
        f"*Table: the career ladder ({first.name}: {first.summary} {second.name}: {second.summary})*"
    )
    markdown = table_markdown + (f"\n\n{KEY_DIFFERENCES}\n{summary}" if summary else "")
    return Comparison(
        roles=(first.name, second.name),
        rows=tuple(rows),
        summary=summary,
        sources=tuple(to_source(item) for item in used),
        table=table_markdown,
        markdown=markdown.strip(),
    )


def comparison_opening(comparison: Comparison, profile: Profile, ladder: Ladder) -> str:
    """One plain sentence before the table; with the person's focus known, the ladder's Focus row for both roles."""
    first, second = (ladder.level(role) for role in comparison.roles)
    opening = f"{first.name} and {second.name} side by side, from the career ladder and the guides."
    if profile.focus is not None and "focus" in first.dimensions:
        opening += (
            f" For fit: you said your focus is {profile.focus}. {first.name}: {first.dimensions['focus']} "
            f"{second.name}: {second.dimensions['focus']}"
        )
    return opening
