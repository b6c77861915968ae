"""Routing a chat message to what the user wants: a question, a role comparison, a plan, brag wording or a profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from coach.ladder import Ladder
from coach.profile import level_mentions, normalize, read_focus, read_profile

Intent = Literal["question", "compare", "plan", "brag", "profile"]
INTENTS: tuple[Intent, ...] = ("question", "compare", "plan", "brag", "profile")

LIST_ITEM = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,3}[.)])\s+\S")
COMPARE_CUE = re.compile(
    r"\b(?:differ(?:s|ence|ences|ent)?|distinguish(?:es)?|vs\.?|versus|compare[sd]?|comparison|compared|"
    r"contrast|same as|or)\b|\bbetween\b.+\band\b"
)
PLAN_CUE = re.compile(
    r"\b(?:plan|roadmap for me|30[ -/]60[ -/]90|development plan|growth plan|action plan|next steps?|"
    r"what should i (?:do|focus on|work on)(?: next)?|where do i go from here|how (?:do|can|should) i get "
    r"(?:promoted|to the next level)|get me to|help me get to|path to (?:the next level|promotion))\b"
)
BRAG_CUE = re.compile(
    r"\b(?:brag(?:[- ]doc(?:ument)?)?\s*(?:bullets?|wording|entries)?|accomplishments?|achievements?|"
    r"wins|impact statements?|promo(?:tion)? (?:packet|doc) (?:bullets?|wording))\b\s*[:\-]"
    r"|\b(?:rewrite|reword|turn|make|polish|phrase)\b.{0,40}\b(?:bullets?|brag|impact|promotion wording|"
    r"resume|packet)\b.{0,20}[:\n]"
)
PAST_WORK = re.compile(
    r"^(?:i |we |i've |we've )?(?:built|shipped|launched|led|migrated|reduced|cut|improved|fixed|wrote|designed|"
    r"implemented|created|automated|mentored|onboarded|refactored|optimized|optimised|rewrote|introduced|"
    r"drove|owned|delivered|set up|added|removed|deleted|saved|increased|decreased|replaced|moved|ran|organized|"
    r"organised|hired|interviewed|debugged|resolved|helped|worked on|did|made|spearheaded|unblocked|upgraded|"
    r"deprecated|rolled out|scaled|established|started|coordinated|taught|trained|documented|presented)\b"
)
# A message that recounts work but asks about it ("... I want to know if I'm ready") is a question, not a paste.
ASKING = re.compile(
    r"\b(?:want to know|wondering|should i|am i|ready for|advice|help me|what do you think|is it|do you think)\b"
)
QUESTION_START = re.compile(
    r"^(?:what|how|why|when|where|who|which|should|can|could|would|is|are|do|does|did|will|any|tips|help|explain|"
    r"tell me|give me|i want to know|i'?m wondering)\b"
)


@dataclass(frozen=True)
class Route:
    intent: Intent
    roles: tuple[str, ...] = ()  # for a comparison: the two canonical roles
    body: str = ""  # for brag: the accomplishments without the instruction line


def _strip_instruction(text: str) -> str:
    """Drop a leading 'turn these into brag bullets:' line, keep the pasted work."""
    first, _, rest = text.partition("\n")
    if rest.strip() and (BRAG_CUE.search(normalize(first) + "\n") or first.rstrip().endswith(":")):
        return rest.strip()
    head, colon, tail = text.partition(":")
    if colon and tail.strip() and BRAG_CUE.search(normalize(head + ":")):
        return tail.strip()
    return text.strip()


def _comparison_roles(ladder: Ladder, text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(level_mentions(ladder, text)))[:2]


def route(text: str, ladder: Ladder) -> Route:
    """The intent of one message, by rules over its text (the LLM path reuses the same routing)."""
    raw = text.strip()
    lowered = normalize(raw)
    lines = [line for line in raw.splitlines() if line.strip()]
    list_items = [line for line in lines if LIST_ITEM.match(line)]
    is_question = (
        lowered.endswith("?") or QUESTION_START.match(lowered) is not None or ASKING.search(lowered) is not None
    )

    if BRAG_CUE.search(lowered + "\n"):
        return Route("brag", body=_strip_instruction(raw))
    if len(list_items) >= 2 and not all(item.rstrip().endswith("?") for item in list_items):
        return Route("brag", body=_strip_instruction(raw))
    statements = [normalize(LIST_ITEM.sub("", line) if LIST_ITEM.match(line) else line) for line in lines]
    if not is_question and statements and all(PAST_WORK.match(re.sub(r"^[-*•\d.)\s]+", "", s)) for s in statements):
        return Route("brag", body=raw)

    if COMPARE_CUE.search(lowered):
        roles = _comparison_roles(ladder, lowered)
        if len(roles) == 2:
            return Route("compare", roles=roles)
    if PLAN_CUE.search(lowered):
        return Route("plan")

    profile = read_profile(raw, ladder)
    if not is_question and (profile.level or profile.focus or profile.target) and len(lowered.split()) <= 40:
        return Route("profile")
    if not is_question and read_focus(lowered) and len(lowered.split()) <= 6:
        return Route("profile")
    return Route("question")
