"""Follow-ups made standalone with the conversation's topic, offline."""

from __future__ import annotations

from coach.records import Topic
from coach.understanding.followups import own_terms, with_topic


def test_a_level_named_in_a_follow_up_takes_the_place_of_the_topics_last_level(ladder):
    topic = Topic(question="whats the typical yoe for someone to hit Principal")
    assert with_topic("and staff?", topic, ladder) == "whats the typical yoe for someone to hit Staff"
    # in the plural too: "managers" is the Engineering Manager level
    assert "Engineering Manager" in with_topic("what about managers?", topic, ladder)


def test_a_follow_up_without_a_level_is_asked_on_what_the_topic_is_about(ladder):
    """The topic's subject, not how it was asked: "how long" in the topic would bring the same answer back to "and
    what would i need to show?"; the small words stay, so "senior to staff" does not become "senior staff"."""
    topic = Topic(question="what would it take to get to staff here?")
    assert with_topic("how long does that take?", topic, ladder) == "staff here: how long does that take?"
    topic = Topic(question="how long does it usually take to go from senior to staff?")
    assert with_topic("and what would i need to show?", topic, ladder) == (
        "from senior to staff: and what would i need to show?"
    )


def test_a_follow_up_has_words_of_its_own_or_only_leans_on_the_topic():
    assert own_terms("ok and what should i do first?") == set()
    assert "packet" in own_terms("what goes in the packet?")
