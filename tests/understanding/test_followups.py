"""Follow-ups made standalone with the conversation's topic, offline."""

from __future__ import annotations

from coach.records import Topic
from coach.understanding.followups import own_terms, with_topic


def test_a_level_named_in_a_follow_up_takes_the_place_of_the_topics_last_level(ladder):
    topic = Topic(question="whats the typical yoe for someone to hit Principal")
    assert with_topic("and staff?", topic, ladder) == "whats the typical yoe for someone to hit Staff"
    # in the plural too: "managers" is the Engineering Manager level
    assert "Engineering Manager" in with_topic("what about managers?", topic, ladder)


def test_a_follow_up_without_a_level_is_asked_after_the_topic(ladder):
    topic = Topic(question="what would it take to get to staff here?")
    assert with_topic("how long does that take?", topic, ladder) == (
        "what would it take to get to staff here? how long does that take?"
    )


def test_a_follow_up_has_words_of_its_own_or_only_leans_on_the_topic():
    assert own_terms("ok and what should i do first?") == set()
    assert "packet" in own_terms("what goes in the packet?")
