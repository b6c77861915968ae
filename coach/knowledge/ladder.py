"""The career ladder: levels x competencies, comparison dimensions and title aliases, loaded from `knowledge/` data."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any

from coach.errors import CoachError
from coach.knowledge.data import KNOWLEDGE_DIR, read_data

COMPETENCY_KEYS = ("bar", "expectation", "signals", "evidence", "actions")
TRACKS = ("ic", "manager")


class LadderError(CoachError):
    """The ladder data is inconsistent; the message names the file and the entry to fix."""


@dataclass(frozen=True)
class Competency:
    name: str
    description: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CompetencyExpectation:
    bar: int
    expectation: str
    signals: tuple[str, ...]
    evidence: tuple[str, ...]
    coding_actions: tuple[str, ...]
    leading_actions: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    name: str
    track: str
    rank: int  # position on its track, from 0
    years_min: int
    years_max: int | None
    summary: str
    dimensions: dict[str, str]
    competencies: dict[str, CompetencyExpectation]
    hands_on: int | None = None  # rough share of the week spent coding, in percent (ladder.yaml), when given

    @property
    def typical_years(self) -> str:
        return f"{self.years_min}+" if self.years_max is None else f"{self.years_min}-{self.years_max}"


def _code_as_level(codes: dict[str, str], match: re.Match[str]) -> str:
    return codes.get(match.group(1).lower(), match.group(0))


@dataclass(frozen=True)
class CompanyMap:
    company: str
    names: tuple[str, ...]
    bare_codes: bool
    levels: dict[str, str]


@dataclass(frozen=True)
class Mention:
    """A level named in a text: where, which canonical level, and whether by a company's code ("L5", "E6")."""

    start: int
    end: int
    level: str
    code: bool = False


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it is loaded once and shared
class Ladder:
    levels: tuple[Level, ...]
    competencies: tuple[Competency, ...]
    dimensions: tuple[tuple[str, str], ...]  # (key, display name)
    titles: dict[str, str]  # lower-case alias -> canonical level
    companies: tuple[CompanyMap, ...]
    sources: tuple[str, ...]
    synonyms: dict[str, str]  # informal word -> the corpus's words, for query expansion

    def level(self, name: str) -> Level:
        for level in self.levels:
            if level.name.lower() == name.lower():
                return level
        raise KeyError(name)

    def find(self, name: str | None) -> Level | None:
        if not name:
            return None
        try:
            return self.level(name)
        except KeyError:
            return None

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    def track_levels(self, track: str) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if level.track == track)

    def next_level(self, name: str) -> Level | None:
        """The next level up the same track, or None at the top."""
        current = self.level(name)
        above = [level for level in self.track_levels(current.track) if level.rank == current.rank + 1]
        return above[0] if above else None

    def previous_level(self, name: str) -> Level | None:
        """The level below on the same track, or None at its start."""
        current = self.level(name)
        below = [level for level in self.track_levels(current.track) if level.rank == current.rank - 1]
        return below[0] if below else None

    @cached_property
    def _title_pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(alias) for alias in sorted(self.titles, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    @cached_property
    def _company_patterns(self) -> tuple[tuple[re.Pattern[str], re.Pattern[str], bool, dict[str, str]], ...]:
        patterns = []
        for company in self.companies:
            names = re.compile(r"\b(?:" + "|".join(re.escape(name.lower()) for name in company.names) + r")\b")
            codes = {code.lower(): level for code, level in company.levels.items()}
            code_alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
            # "level 63", "L5", "an E5": a code stands alone or after "level".
            code_pattern = re.compile(rf"(?<![\w-])(?:level\s+)?({code_alternatives})(?![\w-])")
            patterns.append((names, code_pattern, company.bare_codes, codes))
        return tuple(patterns)

    @cached_property
    def _title_words(self) -> frozenset[str]:
        """The words of level titles long enough to tell a misspelling of them from another word."""
        return frozenset(word for alias in self.titles for word in alias.split() if len(word) >= 5 and word.isalpha())

    @cached_property
    def _title_letters(self) -> dict[str, Counter[str]]:
        return {word: Counter(word) for word in self._title_words}

    def spelled(self, text: str) -> str:
        """A lower-case text with its misspelt title words put right ("senoir" -> "senior", "staf" -> "staff"): a
        word that is neither English nor an alias, one edit (a swap of two letters counts as one) from a title word."""
        from coach.text_verbs import is_known_word

        def fixed(match: re.Match[str]) -> str:
            word = match.group(0)
            if word in self._title_words or word in self.titles:
                return word
            letters = Counter(word)
            # One edit changes at most one letter each way; only such words pay for the edit distance (and rapidfuzz's
            # import, which most messages, spelt right, never need).
            close = [title for title in self._title_words if abs(len(title) - len(word)) <= 1
                     and (letters - self._title_letters[title]).total() <= 1
                     and (self._title_letters[title] - letters).total() <= 1]  # fmt: skip
            if not close:
                return word
            from rapidfuzz.distance import OSA

            near = [title for title in close if OSA.distance(word, title, score_cutoff=1) <= 1]
            # English words are asked about last: lemminflect's dictionary costs a cold start a third of a second.
            return near[0] if len(near) == 1 and not is_known_word(word) else word

        return re.sub(r"(?<![\w-])[a-z]{4,}(?![\w-])", fixed, text)

    def mentions(self, text: str, context: str | None = None) -> list[Mention]:
        """Every level a lower-case text names, by company code or by title, leftmost first, overlaps removed
        ("senior staff" is one level, not two). A company named anywhere in the context (the whole message)
        decides what its codes mean ("64 at microsoft, going for 65")."""
        mentions: list[Mention] = []
        patterns = self._company_patterns
        context = text if context is None else context
        any_company_named = any(names.search(context) for names, *_ in patterns)
        for names, code_pattern, bare_codes, codes in patterns:
            company_named = names.search(context) is not None
            # With a company named, its own map decides ("L6 at Amazon" is not Google's L6).
            if not company_named and (any_company_named or not bare_codes):
                continue
            for match in code_pattern.finditer(text):
                code = match.group(1)
                # Bare numbers ("63") only count with the company named and as "level 63"-like codes.
                if code.isdigit() and not company_named:
                    continue
                mentions.append(Mention(match.start(), match.end(), codes[code], code=True))
        for match in self._title_pattern.finditer(text):
            mentions.append(Mention(match.start(), match.end(), self.titles[match.group(0)]))
        mentions.sort(key=lambda mention: (mention.start, -(mention.end - mention.start)))
        kept: list[Mention] = []
        for mention in mentions:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def company_named(self, text: str) -> str | None:
        """The company a text names ("sde2 at amazon" -> "Amazon"), by the names in aliases.yaml."""
        lowered = text.lower()
        return next(
            (company.company for company, (names, *_) in zip(self.companies, self._company_patterns, strict=True)
             if names.search(lowered)),
            None,
        )  # fmt: skip

    def with_company_codes(self, text: str, company: str | None) -> str:
        """A message read with the company the person named earlier: its codes written as the levels they are
        there ("what would it take to get to L6?" from someone at Amazon is about Senior, not Google's Staff),
        unless the message names a company of its own."""
        if company is None or self.company_named(text) is not None:
            return text
        for known, (_, code_pattern, _, codes) in zip(self.companies, self._company_patterns, strict=True):
            if known.company == company:
                pattern = re.compile(code_pattern.pattern, re.IGNORECASE)
                return pattern.sub(partial(_code_as_level, codes), text)
        return text

    def competency(self, name: str) -> Competency:
        return next(competency for competency in self.competencies if competency.name == name)

    def competency_names(self) -> tuple[str, ...]:
        return tuple(competency.name for competency in self.competencies)


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, "", []):
        raise LadderError(f"{where}: '{key}' is missing")
    return mapping[key]


def _strings(value: Any, where: str, count: int | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise LadderError(f"{where}: expected a list of non-empty strings")
    if count is not None and len(value) < count:
        raise LadderError(f"{where}: expected at least {count} items, found {len(value)}")
    return tuple(item.strip() for item in value)


def _parse_competency(raw: Any, where: str) -> CompetencyExpectation:
    for key in COMPETENCY_KEYS:
        _require(raw, key, where)
    bar = raw["bar"]
    if not isinstance(bar, int) or not 1 <= bar <= 10:
        raise LadderError(f"{where}: 'bar' must be an integer from 1 to 10")
    actions = raw["actions"]
    return CompetencyExpectation(
        bar=bar,
        expectation=str(raw["expectation"]).strip(),
        signals=_strings(raw["signals"], f"{where}.signals", 2),
        evidence=_strings(raw["evidence"], f"{where}.evidence", 1),
        coding_actions=_strings(_require(actions, "coding", f"{where}.actions"), f"{where}.actions.coding", 1),
        leading_actions=_strings(_require(actions, "leading", f"{where}.actions"), f"{where}.actions.leading", 1),
    )


def parse_ladder(ladder_data: Any, alias_data: Any, origin: str = "ladder.yaml") -> Ladder:
    """Build and validate a Ladder: every level has every competency, every alias names a known level."""
    competencies = tuple(
        Competency(
            name=str(_require(raw, "name", f"{origin}: competency")),
            description=str(_require(raw, "description", f"{origin}: competency {raw.get('name')}")),
            keywords=_strings(_require(raw, "keywords", f"{origin}: competency {raw.get('name')}"), "keywords"),
        )
        for raw in _require(ladder_data, "competencies", origin)
    )
    competency_names = [competency.name for competency in competencies]
    dimensions = tuple(
        (
            str(_require(raw, "key", f"{origin}: dimension")),
            str(_require(raw, "name", f"{origin}: dimension")),
        )
        for raw in _require(ladder_data, "dimensions", origin)
    )

    levels: list[Level] = []
    ranks = dict.fromkeys(TRACKS, 0)
    for raw in _require(ladder_data, "levels", origin):
        name = str(_require(raw, "name", f"{origin}: level"))
        where = f"{origin}: level {name}"
        track = _require(raw, "track", where)
        if track not in TRACKS:
            raise LadderError(f"{where}: track must be one of {', '.join(TRACKS)}")
        if "years_min" not in raw or "years_max" not in raw:
            raise LadderError(f"{where}: 'years_min' and 'years_max' are required (years_max may be null)")
        raw_competencies = _require(raw, "competencies", where)
        missing = [c for c in competency_names if c not in raw_competencies]
        if missing:
            raise LadderError(f"{where}: missing competencies {', '.join(missing)}")
        unknown = [c for c in raw_competencies if c not in competency_names]
        if unknown:
            raise LadderError(f"{where}: unknown competencies {', '.join(unknown)}")
        levels.append(
            Level(
                name=name,
                track=track,
                rank=ranks[track],
                years_min=int(raw["years_min"]),
                years_max=None if raw["years_max"] is None else int(raw["years_max"]),
                hands_on=None if raw.get("hands_on") is None else int(raw["hands_on"]),
                summary=str(_require(raw, "summary", where)).strip(),
                dimensions={
                    key: str(_require(raw, key, where)).strip() for key, _ in dimensions if key != "typical_years"
                },
                competencies={c: _parse_competency(raw_competencies[c], f"{where}.{c}") for c in competency_names},
            )
        )
        ranks[track] += 1

    known = {level.name for level in levels}
    titles: dict[str, str] = {}
    for level_name, aliases in _require(alias_data, "titles", "aliases.yaml").items():
        if level_name not in known:
            raise LadderError(f"aliases.yaml: titles name unknown level '{level_name}'")
        for alias in _strings(aliases, f"aliases.yaml: titles.{level_name}"):
            titles[alias.lower()] = level_name
    companies = []
    for raw in _require(alias_data, "companies", "aliases.yaml"):
        company = str(_require(raw, "company", "aliases.yaml: company"))
        mapping = {str(code): str(level) for code, level in _require(raw, "levels", company).items()}
        bad = sorted(level for level in mapping.values() if level not in known)
        if bad:
            raise LadderError(f"aliases.yaml: {company} maps to unknown levels {', '.join(bad)}")
        companies.append(
            CompanyMap(
                company=company,
                names=_strings(_require(raw, "names", company), f"aliases.yaml: {company}.names"),
                bare_codes=bool(raw.get("bare_codes", False)),
                levels=mapping,
            )
        )
    return Ladder(
        levels=tuple(levels),
        competencies=competencies,
        dimensions=dimensions,
        titles=titles,
        companies=tuple(companies),
        sources=tuple(ladder_data.get("sources") or ()),
        synonyms={str(key).lower(): str(value) for key, value in (alias_data.get("synonyms") or {}).items()},
    )


@lru_cache(maxsize=4)
def load_ladder(knowledge_dir: Path = KNOWLEDGE_DIR) -> Ladder:
    """Load the ladder once per process; it is read-only data shared by every session."""
    return parse_ladder(read_data("ladder.yaml", knowledge_dir), read_data("aliases.yaml", knowledge_dir))
