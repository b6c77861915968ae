"""Routing messages to intents over varied phrasings."""

from __future__ import annotations

import pytest

from coach.intents import route

CASES = [
    ("How does Lead differ from Staff?", "compare", ("Lead", "Staff")),
    ("lead vs staff", "compare", ("Lead", "Staff")),
    ("What's the difference between a senior and a staff engineer?", "compare", ("Senior", "Staff")),
    ("Compare tech lead and engineering manager", "compare", ("Lead", "Engineering Manager")),
    ("Staff or Principal: which should I aim for?", "compare", ("Staff", "Principal")),
    ("L6 versus L7 at Google?", "compare", ("Staff", "Senior Staff")),
    ("Make me a plan", "plan", ()),
    ("Can you build me a 30/60/90 plan to get to staff?", "plan", ()),
    ("what's my next step?", "plan", ()),
    ("What should I focus on next?", "plan", ()),
    ("give me a growth plan", "plan", ()),
    ("- fixed the flaky CI pipeline\n- mentored two interns", "brag", ()),
    ("1. Led migration to k8s\n2. Cut p95 latency from 800ms to 120ms", "brag", ()),
    ("Turn these into brag bullets:\nworked on the billing service\nhelped with on-call", "brag", ()),
    ("brag: reduced AWS costs by $40k/month", "brag", ()),
    ("Reduced checkout latency by 40% by adding a cache", "brag", ()),
    ("I shipped the new onboarding flow", "brag", ()),
    ("I'm an L5 at Google, half my time leading", "profile", ()),
    ("Senior", "profile", ()),
    ("mostly coding", "profile", ()),
    ("I'm a senior engineer aiming for staff", "profile", ()),
    ("What is a brag doc?", "question", ()),
    ("How do I write a good design doc?", "question", ()),
    ("what are the staff archetypes", "question", ()),
    ("Tell me about calibration", "question", ()),
    ("How do I handle a technical disagreement with another team?", "question", ()),
    ("Is it worth switching to management?", "question", ()),
    ("what does a staff engineer do?", "question", ()),
    ("I worked on the payments team for two years and I want to know if I'm ready for senior", "question", ()),
    ("- What is calibration?\n- How long does promotion take?", "question", ()),
]


@pytest.mark.parametrize("text, intent, roles", CASES)
def test_route(ladder, text, intent, roles):
    chosen = route(text, ladder)
    assert chosen.intent == intent
    assert chosen.roles == roles


def test_brag_instruction_line_is_not_an_entry(ladder):
    chosen = route("Turn these into brag bullets:\nworked on billing\nhelped with on-call", ladder)
    assert chosen.body == "worked on billing\nhelped with on-call"
