"""Tailored plans: the competency gap between two ladder levels, turned into actions over 30/60/90 days and two quarters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.knowledge.data import KNOWLEDGE_DIR, read_data
from coach.knowledge.ladder import Ladder, Level
from coach.records import Focus, Gap, Horizon, Plan, Source
from coach.retrieval.search import HybridRetriever, Retrieved, to_source
from coach.text import list_items
from coach.understanding.profile import level_mentions

FOCUS_AREAS = 3


class PlanError(CoachError):
    """The plan cannot be made for these inputs; the message says what to choose instead."""


def load_plan_template(knowledge_dir: Path = KNOWLEDGE_DIR) -> dict[str, Any]:
    return read_data("plan.yaml", knowledge_dir)


def heading_levels(ladder: Ladder, heading: str) -> set[str]:
    return set(level_mentions(ladder, heading))


def default_target(ladder: Ladder, level: str) -> Level:
    above = ladder.next_level(level)
    if above is None:
        raise PlanError(
            f"{level} is the top of its track in the ladder; give a target level with --target "
            f"(for example a level on the other track)."
        )
    return above


def competency_gaps(ladder: Ladder, current: Level, target: Level) -> list[Gap]:
    """Every competency, the largest gap first (ties keep the ladder's order)."""
    gaps = [
        Gap(competency=name, current=current.competencies[name].bar, target=target.competencies[name].bar)
        for name in ladder.competency_names()
    ]
    return sorted(gaps, key=lambda gap: -gap.size)


def _actions_for(target: Level, competency: str, focus: str) -> tuple[str, ...]:
    expectation = target.competencies[competency]
    if focus == "coding":
        return expectation.coding_actions
    if focus == "leading":
        return expectation.leading_actions
    # Both: alternate so that each horizon mixes hands-on and leadership work.
    mixed: list[str] = []
    for coding, leading in zip(expectation.coding_actions, expectation.leading_actions, strict=False):
        mixed.extend((coding, leading))
    return tuple(mixed)


def build_plan(
    ladder: Ladder,
    retriever: HybridRetriever,
    level: str,
    focus: Focus,
    target: str | None = None,
    template: dict | None = None,
) -> Plan:
    current = ladder.level(level)
    goal = ladder.level(target) if target else default_target(ladder, level)
    if goal.track == current.track and goal.rank <= current.rank:
        above = ladder.next_level(current.name)
        hint = f" (the next one is {above.name})" if above else ""
        raise PlanError(f"{goal.name} is not above {current.name}; choose a higher target level{hint}.")
    template = template or load_plan_template()
    gaps = competency_gaps(ladder, current, goal)
    areas = [gap.competency for gap in gaps[:FOCUS_AREAS]]

    sources: list[Source] = []

    def cite(item: Retrieved) -> str:
        source = to_source(item)
        keys = [(s.path, s.section) for s in sources]
        if (source.path, source.section) not in keys:
            sources.append(source)
            keys.append((source.path, source.section))
        return f"[{keys.index((source.path, source.section)) + 1}]"

    candidates = [
        item
        for item in retriever.retrieve(
            f"Practical steps to become a {goal.name} from {current.name}", k=8, levels=(goal.name,)
        )
        if goal.name.lower() in {name.lower() for name in item.chunk.levels}
    ]
    # A section whose heading names the target ("Practical steps toward Staff") beats one that only lists it among
    # its levels (a Principal guide is tagged Staff too, but its steps are for a later stage).
    guide = sorted(candidates, key=lambda item: goal.name not in heading_levels(ladder, item.chunk.section))
    guide_steps: list[str] = []
    for item in guide:
        items = list_items(item.chunk.text)
        if items:
            guide_steps = [f"{step} {cite(item)}" for step in items]
            break

    horizons: list[Horizon] = []
    for raw in template["horizons"]:
        actions: list[str] = []
        for area_index, action_index in raw.get("gap_actions", []):
            if area_index < len(areas):
                options = _actions_for(goal, areas[area_index], focus)
                if action_index < len(options):
                    actions.append(f"{options[action_index]} ({areas[area_index]})")
        for step in raw.get("steps", []):
            found = retriever.retrieve(step["query"], k=1)
            text = step["text"].format(target=goal.name, level=current.name)
            actions.append(f"{text} {cite(found[0])}" if found else text)
        actions.extend(guide_steps[: int(raw.get("guide_steps", 0))])
        horizons.append(Horizon(name=raw["name"], actions=tuple(actions)))

    evidence = tuple(f"{goal.competencies[name].evidence[0]} ({name})" for name in areas) + tuple(
        f"{goal.competencies[name].evidence[1]} ({name})"
        for name in areas[:1]
        if len(goal.competencies[name].evidence) > 1
    )

    years = f"{goal.typical_years} years"
    summary = (
        f"From {current.name} to {goal.name} ({years} of experience is typical): {goal.summary} "
        f"Your largest gaps are {', '.join(areas[:-1])} and {areas[-1]}; this plan works on them with "
        f"{'hands-on' if focus == 'coding' else 'leadership' if focus == 'leading' else 'a mix of hands-on and leadership'} "
        f"actions that fit your focus."
    )
    markdown = render_plan_markdown(current.name, focus, goal.name, summary, gaps, horizons, evidence, sources)
    return Plan(
        level=current.name,
        focus=focus,
        target=goal.name,
        summary=summary,
        gaps=tuple(gaps),
        horizons=tuple(horizons),
        evidence=evidence,
        sources=tuple(sources),
        markdown=markdown,
    )


def render_plan_markdown(
    level: str,
    focus: str,
    target: str,
    summary: str,
    gaps: list[Gap],
    horizons: list[Horizon],
    evidence: tuple[str, ...],
    sources: list[Source],
) -> str:
    lines = [f"# Plan: {level} to {target} (focus: {focus})", "", summary, "", "## Competency gap", ""]
    lines += ["| Competency | " + level + " | " + target + " | Gap |", "|---|---|---|---|"]
    lines += [f"| {gap.competency} | {gap.current} | {gap.target} | {gap.size:+d} |" for gap in gaps]
    for horizon in horizons:
        lines += ["", f"## {horizon.name}", ""]
        lines += [f"- {action}" for action in horizon.actions]
    lines += ["", "## Evidence to collect", ""]
    lines += [f"- {item}" for item in evidence]
    if sources:
        lines += ["", "## Sources", ""]
        lines += [
            f"{index}. {source.title}: {source.section} ({source.path})" for index, source in enumerate(sources, 1)
        ]
    return "\n".join(lines)


def plan_in_chat(markdown: str) -> str:
    """A plan as a chat reply: without the document's title (the reply's opening sentence says what it is) and with
    its section headings as bold lines, so a page-size heading never fills the chat bubble."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(f"**{line[3:]}**" if line.startswith("## ") else line for line in lines).strip()
