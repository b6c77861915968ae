"""Writing with a configured LLM, guarded in code: citations checked, length capped, brag numbers verified, plan
structure validated; any failure of the model falls back to the offline result with a short notice."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.utils.json import parse_json_markdown
from pydantic import BaseModel, Field, ValidationError

from coach.generation import prompts
from coach.records import BragEntry, Horizon, Plan, Profile, Source
from coach.skills.brag import numbers
from coach.skills.plans import render_plan_markdown
from coach.text import sentences

MAX_ANSWER_CHARS = 4000
WORD = re.compile(r"[A-Za-z][\w+#-]*")
CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
FALLBACK_SEPARATOR = "\n\n---\n*The model stopped before finishing; here is the offline answer instead.*\n\n"
log = logging.getLogger(__name__)


class InvalidOutput(ValueError):
    """The model answered, but not in a shape that passes validation."""


class BragBullets(BaseModel):
    bullets: list[str] = Field(min_length=1)


class PlanHorizonOut(BaseModel):
    name: str
    actions: list[str] = Field(min_length=1, max_length=8)


class PlanOut(BaseModel):
    summary: str = Field(min_length=10, max_length=1200)
    horizons: list[PlanHorizonOut]


def describe_failure(error: BaseException, timeout: float) -> str:
    """A short, secret-free reason a person can understand."""
    if isinstance(error, InvalidOutput):
        return f"its output did not pass validation ({error})"
    status = getattr(error, "status_code", None) or getattr(getattr(error, "response", None), "status_code", None)
    name = type(error).__name__
    if status == 429:
        return "the provider is rate-limiting requests (HTTP 429)"
    if isinstance(status, int) and status >= 500:
        return f"the model server had an error (HTTP {status})"
    if isinstance(status, int):
        return f"the model server refused the request (HTTP {status})"
    if "Timeout" in name or isinstance(error, TimeoutError):
        return f"it did not answer within {timeout:g} s"
    if "Connection" in name or isinstance(error, ConnectionError):
        return "the model server could not be reached"
    return f"the model call failed ({name})"


def clean_citations(text: str, source_count: int) -> str:
    """Keep [n] markers that point at a provided section; drop the rest."""

    def keep(match: re.Match[str]) -> str:
        valid = [n for n in re.split(r"\s*,\s*", match.group(1)) if 1 <= int(n) <= source_count]
        return f"[{', '.join(valid)}]" if valid else ""

    return CITATION.sub(keep, text)


def cited_only(answer: str, sources: Sequence[Source]) -> tuple[str, tuple[Source, ...]]:
    """The sources an answer cites, numbered in the order it first cites them, and the answer with its markers
    renumbered to match. The model reads every section it is given; the person sees the ones it used. An answer
    that cites none keeps the first section, which it was written from."""
    order: list[int] = []
    for match in CITATION.finditer(answer):
        for number in re.split(r"\s*,\s*", match.group(1)):
            if 1 <= int(number) <= len(sources) and int(number) not in order:
                order.append(int(number))
    if not order:
        return answer, tuple(sources[:1])
    renumber = {old: new for new, old in enumerate(order, 1)}

    def replace(match: re.Match[str]) -> str:
        numbers = [renumber[int(n)] for n in re.split(r"\s*,\s*", match.group(1)) if int(n) in renumber]
        return f"[{', '.join(str(n) for n in numbers)}]" if numbers else ""

    return CITATION.sub(replace, answer), tuple(sources[number - 1] for number in order)


FENCE_ECHO = re.compile(r"</?\s*(?:" + "|".join(prompts.FENCE_TAGS) + r")\b[^>]*>", re.IGNORECASE)
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
# An address ends before a closing bracket or space, and a sentence's last stop is not part of it.
TAIL = r"[^\s)\]>]*[^\s)\]>.,;:!?'\"]"
URL = re.compile(r"(?:https?://|www\.)" + TAIL, re.IGNORECASE)
# An address written without its scheme ("levels-verify.example.org/c?data=..."): lower-case host, common ending.
HOST = (
    r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|io|dev|app|co|ai|me|info|biz|xyz|us|uk|de)\b(?:/(?:"
    + TAIL
    + ")?)?"
)
ADDRESS = re.compile(r"(?i:(?:https?://|www\.)" + TAIL + ")|" + HOST)
# Constructs that may still be growing at the end of a streamed piece: held back until they close.
OPEN_CONSTRUCTS = (("[", "]"), ("<", ">"), ("](", ")"), ("http", " "), ("www.", " "))
HOLD_BACK_CHARS = 400


def without_outside_links(text: str, allowed: set[str]) -> str:
    """Images go (a rendered image makes the browser fetch its address: a way to carry data out); a link keeps its
    text and loses its address; a bare address, with or without its scheme, goes, unless it is one the cited
    sources hold."""
    text = IMAGE.sub(lambda m: m.group(0) if m.group(2).strip() in allowed else m.group(1), text)
    text = LINK.sub(lambda m: m.group(0) if m.group(2).strip() in allowed else m.group(1), text)
    return ADDRESS.sub(lambda m: m.group(0) if m.group(0) in allowed else "", text)


def urls_in(texts: Sequence[str]) -> set[str]:
    return {match.group(0) for text in texts for match in ADDRESS.finditer(text)}


def _clean(text: str, source_count: int, allowed: set[str]) -> str:
    text = FENCE_ECHO.sub("", text).replace(prompts.MARK, "")
    return clean_citations(without_outside_links(text, allowed), source_count)


def _safe_end(pending: str) -> int:
    """Where the text that can be shown now ends: before the earliest construct that has opened but not closed."""
    cut = len(pending)
    for opener, closer in OPEN_CONSTRUCTS:
        start = pending.rfind(opener)
        if start != -1 and closer not in pending[start + len(opener) :] and len(pending) - start <= HOLD_BACK_CHARS:
            if opener == "](":  # a link's text and address go out together
                start = max(pending.rfind("[", 0, start), 0)
            cut = min(cut, start)
    # The last word may still be growing into an address ("levels-verify.exa" + "mple.org").
    word_start = max(pending.rfind(" "), pending.rfind("\n")) + 1
    return min(cut, word_start) if len(pending) - word_start <= HOLD_BACK_CHARS else cut


def guarded_stream(
    chunks: Iterator[str], source_count: int, allowed_urls: set[str] | None = None, limit: int = MAX_ANSWER_CHARS
) -> Iterator[str]:
    """Stream text with invalid citations, echoed fences and outside links removed as they complete, up to the cap."""
    allowed = allowed_urls or set()
    pending = ""
    emitted = 0
    for chunk in chunks:
        pending += chunk
        cut = _safe_end(pending)
        ready, pending = _clean(pending[:cut], source_count, allowed), pending[cut:]
        if emitted + len(ready) >= limit:
            yield ready[: limit - emitted].rstrip() + " …"
            return
        emitted += len(ready)
        if ready:
            yield ready
    tail = _clean(pending, source_count, allowed)
    if tail:
        yield tail[: max(limit - emitted, 0)]


def names(text: str) -> set[str]:
    """Words that name something (a capital past a sentence's first word, or inner capitals or digits: Kafka, gRPC,
    S3), lower-cased."""
    found = set()
    for sentence in sentences(text):
        for word in WORD.findall(sentence)[1:]:
            if word[0].isupper() or any(ch.isupper() or ch.isdigit() for ch in word[1:]):
                found.add(word.lower())
    return found


def bullet_problem(bullet: str, original: str) -> str | None:
    """Why a model's bullet cannot be shown, or None: it must keep the numbers exactly and add no name or link."""
    if numbers(bullet) != numbers(original):
        return "changed or added a number"
    if URL.search(bullet) and not URL.search(original):
        return "added a link"
    known = {word.lower() for word in WORD.findall(original)}
    added = names(bullet) - known
    return f"added {', '.join(sorted(added))}" if added else None


def unsupported_numbers(answer: str, evidence: Sequence[str]) -> list[str]:
    """Numbers in a generated answer that no source and no user message contains (citations and list numbers aside)."""
    text = CITATION.sub("", answer)
    text = re.sub(r"^\s*\d+[.)]\s", "", text, flags=re.MULTILINE)
    known = set(numbers(" ".join(evidence)))
    return sorted(set(numbers(text)) - known, key=lambda n: text.index(n))


def _text_of(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks (Anthropic and others)
        return "".join(block.get("text", "") if isinstance(block, dict) else str(block) for block in content)
    return str(content)


def parse_json(text: str) -> Any:
    """The JSON object in a model's reply: fenced or bare, and small models' prose around a bare one tolerated."""
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        raise InvalidOutput("no JSON object in the reply")
    for candidate in (text, text[start : end + 1]):
        try:
            parsed = parse_json_markdown(candidate)
        except (OutputParserException, ValueError) as error:
            problem = str(error).splitlines()[0]
            continue
        if isinstance(parsed, dict):
            return parsed
        problem = "the reply's JSON is not an object"
    raise InvalidOutput(f"malformed JSON: {problem}")


class LlmWriter:
    """Writes answers, brag bullets and plans with the chat model; the caller supplies the offline result."""

    def __init__(self, model: Any, model_label: str, timeout: float = 30.0, context_chars: int = 12_000) -> None:
        self.model = model
        self.model_label = model_label
        self.timeout = timeout
        self.context_chars = context_chars  # the budget of guide text it reads per question (`within_budget`)

    def notice(self, error: BaseException) -> str:
        # Only the kind of failure is logged: the messages carry the user's text.
        log.warning("LLM %s failed: %s", self.model_label, type(error).__name__)
        return f"{self.model_label} was not used: {describe_failure(error, self.timeout)}. This is the offline answer."

    def stream_answer(
        self,
        question: str,
        offline_answer: Callable[[], str],
        sources: Sequence[Source],
        profile: Profile,
        history: Sequence[tuple[str, str]] = (),
    ) -> Iterator[str | tuple[str, str | None]]:
        """Yield text chunks, then one final (answer, notice) tuple; the offline answer is made only if needed."""
        messages = prompts.answer_messages(question, profile, sources, history)
        produced: list[str] = []
        # Only an address the cited sources hold may be shown: one the question holds may be an injection's target,
        # and an answer about a career needs none.
        allowed = urls_in([source.snippet for source in sources])
        try:
            raw = (_text_of(chunk) for chunk in self.model.stream(messages))
            for text in guarded_stream(raw, len(sources), allowed):
                produced.append(text)
                yield text
            answer = "".join(produced).strip()
            if not answer:
                raise InvalidOutput("the model returned an empty answer")
            unsupported = unsupported_numbers(
                answer, [question, *(s.snippet for s in sources), *(t for _, t in history)]
            )
            if unsupported:
                # The model was told not to invent numbers; when it does anyway, the reader is told which ones.
                warning = (
                    f"\n\n*Check before you rely on it: {', '.join(unsupported)} "
                    f"{'does' if len(unsupported) == 1 else 'do'} not appear in the cited sources or your message.*"
                )
                yield warning
                answer += warning
        except Exception as error:  # every provider fault ends in the offline answer, never in an error page
            notice = self.notice(error)
            fallback = offline_answer()
            yield (FALLBACK_SEPARATOR if produced else "") + fallback
            yield (fallback, notice)
            return
        yield (answer, None)

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> str | None:
        """A follow-up rewritten as a standalone question by the model (for retrieval), or None when it fails."""
        if not history:
            return None
        try:
            text = self._invoke_text(prompts.condense_messages(question, history))
        except Exception as error:  # the offline rewrite takes over; only the kind of failure is logged
            log.warning("LLM %s failed to condense a follow-up: %s", self.model_label, type(error).__name__)
            return None
        lines = [line for line in text.replace(prompts.MARK, "").splitlines() if line.strip()]
        condensed = " ".join(lines[0].split()).strip('"') if lines else ""
        return condensed if 3 <= len(condensed) <= 400 else None

    def _invoke_text(self, messages: list) -> str:
        return _text_of(self.model.invoke(messages))

    def write_brag(self, entries: Sequence[BragEntry], profile: Profile) -> tuple[tuple[BragEntry, ...], str | None]:
        """Model-written bullets where they keep the user's numbers exactly; the offline bullet otherwise."""
        originals = [entry.original for entry in entries]
        accepted: dict[int, str] = {}
        try:
            for _attempt in range(2):  # one regeneration for bullets that changed a number
                parsed = BragBullets.model_validate(
                    parse_json(self._invoke_text(prompts.brag_messages(originals, profile)))
                )
                if len(parsed.bullets) != len(originals):
                    raise InvalidOutput(f"{len(parsed.bullets)} bullets for {len(originals)} accomplishments")
                for index, bullet in enumerate(parsed.bullets):
                    bullet = " ".join(bullet.replace(prompts.MARK, "").split()).lstrip("-*• ").strip()
                    if index not in accepted and bullet and bullet_problem(bullet, originals[index]) is None:
                        accepted[index] = bullet
                if len(accepted) == len(originals):
                    break
        except (ValidationError, InvalidOutput) as error:
            return tuple(entries), self.notice(InvalidOutput(str(error).splitlines()[0]))
        except Exception as error:
            return tuple(entries), self.notice(error)
        rewritten = tuple(
            entry.model_copy(update={"bullet": accepted[index]}) if index in accepted else entry
            for index, entry in enumerate(entries)
        )
        kept = len(entries) - len(accepted)
        notice = (
            f"{kept} of {len(entries)} bullets use the offline wording: the model's version changed a number or added "
            "a number, a name or a link that is not in your words."
            if kept
            else None
        )
        return rewritten, notice

    def write_plan(self, plan: Plan, profile: Profile) -> tuple[Plan, str | None]:
        """The plan personalised by the model when its output validates; the offline plan otherwise."""
        try:
            text = self._invoke_text(prompts.plan_messages(plan.markdown, profile, plan.sources))
            parsed = PlanOut.model_validate(parse_json(text))
            names = [horizon.name for horizon in plan.horizons]
            if [horizon.name for horizon in parsed.horizons] != names:
                raise InvalidOutput("the horizons were renamed or reordered")
            allowed = numbers(plan.markdown) + numbers(" ".join(source.snippet for source in plan.sources))
            written = CITATION.sub("", " ".join([parsed.summary, *(a for h in parsed.horizons for a in h.actions)]))
            invented = set(numbers(written)) - set(allowed)
            if invented:
                raise InvalidOutput(f"numbers not in the plan data: {', '.join(sorted(invented))}")
        except (ValidationError, InvalidOutput) as error:
            return plan, self.notice(InvalidOutput(str(error).splitlines()[0]))
        except Exception as error:
            return plan, self.notice(error)
        horizons = tuple(
            Horizon(name=h.name, actions=tuple(clean_citations(a, len(plan.sources)) for a in h.actions))
            for h in parsed.horizons
        )
        summary = clean_citations(parsed.summary, len(plan.sources))
        markdown = render_plan_markdown(
            plan.level,
            plan.focus,
            plan.target,
            summary,
            list(plan.gaps),
            list(horizons),
            plan.evidence,
            list(plan.sources),
        )
        return plan.model_copy(update={"summary": summary, "horizons": horizons, "markdown": markdown}), None
