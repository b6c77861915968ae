"""Writing with a configured LLM, guarded in code: citations checked, length capped, brag numbers verified, plan
structure validated; any failure of the model falls back to the offline result with a short notice."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from coach import prompts
from coach.answers import Source
from coach.brag import BragEntry, numbers
from coach.plans import Horizon, Plan, render_plan_markdown

MAX_ANSWER_CHARS = 4000
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


FENCE_ECHO = re.compile(r"</?\s*(?:" + "|".join(prompts.FENCE_TAGS) + r")\b[^>]*>", re.IGNORECASE)


def _clean(text: str, source_count: int) -> str:
    return clean_citations(FENCE_ECHO.sub("", text), source_count)


def guarded_stream(chunks: Iterator[str], source_count: int, limit: int = MAX_ANSWER_CHARS) -> Iterator[str]:
    """Stream text with invalid citations and echoed prompt fences removed as they complete, up to the length cap."""
    pending = ""
    emitted = 0
    for chunk in chunks:
        pending += chunk
        # Hold back a citation or tag that has not closed yet ("[1" waiting for "]", "</user_mess" for ">").
        cut = max(pending.rfind("["), pending.rfind("<"))
        closer = "]" if cut != -1 and pending[cut] == "[" else ">"
        if cut != -1 and closer not in pending[cut:] and len(pending) - cut <= 40:
            ready, pending = pending[:cut], pending[cut:]
        else:
            ready, pending = pending, ""
        ready = _clean(ready, source_count)
        if emitted + len(ready) >= limit:
            yield ready[: limit - emitted].rstrip() + " …"
            return
        emitted += len(ready)
        if ready:
            yield ready
    tail = _clean(pending, source_count)
    if tail:
        yield tail[: max(limit - emitted, 0)]


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
    """The JSON object in a model's reply, tolerating code fences and prose around it."""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    candidate = fenced.group(1) if fenced else text
    start, end = candidate.find("{"), candidate.rfind("}")
    if start == -1 or end <= start:
        raise InvalidOutput("no JSON object in the reply")
    try:
        return json.loads(candidate[start : end + 1])
    except json.JSONDecodeError as error:
        raise InvalidOutput(f"malformed JSON: {error.msg}") from None


class LlmWriter:
    """Writes answers, brag bullets and plans with the chat model; the caller supplies the offline result."""

    def __init__(self, model: Any, model_label: str, timeout: float = 30.0) -> None:
        self.model = model
        self.model_label = model_label
        self.timeout = timeout

    def notice(self, error: BaseException) -> str:
        # Only the kind of failure is logged: the messages carry the user's text.
        log.warning("LLM %s failed: %s", self.model_label, type(error).__name__)
        return f"{self.model_label} was not used: {describe_failure(error, self.timeout)}. This is the offline answer."

    def stream_answer(
        self, question: str, offline_answer: str, context: dict[str, Any], history: Sequence[tuple[str, str]] = ()
    ) -> Iterator[str | tuple[str, str | None]]:
        """Yield text chunks, then one final (answer, notice) tuple."""
        sources: Sequence[Source] = context["sources"]
        messages = prompts.answer_messages(question, context["profile"], sources, history)
        produced: list[str] = []
        try:
            raw = (_text_of(chunk) for chunk in self.model.stream(messages))
            for text in guarded_stream(raw, len(sources)):
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
            yield (FALLBACK_SEPARATOR if produced else "") + offline_answer
            yield (offline_answer, notice)
            return
        yield (answer, None)

    def _invoke_text(self, messages: list) -> str:
        return _text_of(self.model.invoke(messages))

    def write_brag(self, entries: Sequence[BragEntry], profile: Any) -> tuple[tuple[BragEntry, ...], str | None]:
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
                    bullet = " ".join(bullet.split()).lstrip("-*• ").strip()
                    if index not in accepted and bullet and numbers(bullet) == numbers(originals[index]):
                        accepted[index] = bullet
                if len(accepted) == len(originals):
                    break
        except (ValidationError, InvalidOutput) as error:
            return tuple(entries), self.notice(InvalidOutput(str(error).splitlines()[0]))
        except Exception as error:
            return tuple(entries), self.notice(error)
        rewritten = tuple(
            replace(entry, bullet=accepted[index]) if index in accepted else entry
            for index, entry in enumerate(entries)
        )
        kept = len(entries) - len(accepted)
        notice = (
            f"{kept} of {len(entries)} bullets use the offline wording: the model's version changed or added a number."
            if kept
            else None
        )
        return rewritten, notice

    def write_plan(self, plan: Plan, profile: Any) -> tuple[Plan, str | None]:
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
            Horizon(h.name, tuple(clean_citations(a, len(plan.sources)) for a in h.actions)) for h in parsed.horizons
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
        return replace(plan, summary=summary, horizons=horizons, markdown=markdown), None
