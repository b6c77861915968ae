"""The career-guidance corpus: markdown files with front matter, read and chunked by headings into citable sections."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from coach.errors import CoachError
from coach.knowledge.data import PROJECT_ROOT, load_yaml
from coach.knowledge.ladder import Ladder, load_ladder
from coach.text import sentences

MAX_CHUNK_CHARS = 1500
CHUNK_OVERLAP = 150
MAX_FILE_BYTES = 2_000_000
MAX_UPLOAD_BYTES = 1_000_000
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
HEADINGS = [("#", "h1"), ("##", "h2"), ("###", "h3")]
# What a reader never sees but a model would read: HTML comments and invisible characters (zero-width, bidi controls).
HIDDEN = re.compile(r"<!--.*?-->|[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", re.DOTALL)
POSSESSIVE = re.compile(r"\b(?:your|my|their|his|her|our)\s+$")
# Non-corpus markdown that may sit in a knowledge folder.
SKIPPED_NAMES = {"readme.md", "license.md", "changelog.md"}


class CorpusError(CoachError):
    """One knowledge file cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Document:
    path: str  # relative to the project root when inside it, else absolute
    title: str
    levels: tuple[str, ...]
    tracks: tuple[str, ...]
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class Chunk:
    id: str
    path: str
    title: str
    section: str  # the deepest heading above the text, exactly as written in the file
    text: str
    levels: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    headings: tuple[str, ...] = field(default=())
    # The levels this section is about (`section_levels`); ranking prefers sections about the person's levels.
    section_levels: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        """What is embedded and BM25-indexed: the heading trail gives short sections their context."""
        trail = " > ".join(dict.fromkeys([self.title, *self.headings]))
        return f"{trail}\n{self.text}"

    @property
    def sentence_texts(self) -> tuple[str, ...]:
        """The section's sentences and list items, each after its heading, embedded beside the whole section.

        A question often matches one sentence of a long section better than the section's average meaning; the
        heading keeps the sentence's context. A section of one sentence needs none: its own vector is as focused.
        """
        found = [
            sentence
            for line in self.text.splitlines()
            for sentence in sentences(line.strip(" -*#>"))
            if len(sentence.split()) >= 3
        ]
        return tuple(f"{self.section}: {sentence}" for sentence in found) if len(found) > 1 else ()


def display_path(path: Path, folder: Path | None = None) -> str:
    """How a knowledge file is cited: `<folder name>/<path inside the folder>` ("knowledge/levels/staff.md",
    "acme-ladder/senior-engineer.md"), never an absolute path, which would show where a person keeps their files.
    Without its folder, a file is named relative to the project root, or by its name alone."""
    resolved = path.resolve()
    if folder is not None:
        try:
            return f"{folder.resolve().name}/{resolved.relative_to(folder.resolve()).as_posix()}"
        except ValueError:
            pass
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.name


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(item).strip() for item in value if str(item).strip())
    return (str(value),)


def parse_document(text: str, path: str) -> Document:
    """Split front matter from body; raise CorpusError with a fix when the front matter is unusable."""
    # What a reader of the file never sees is not indexed; everything a reader sees is, word for word.
    text = HIDDEN.sub("", text.replace("\x00", ""))
    match = FRONT_MATTER.match(text)
    meta: dict = {}
    body = text
    if match:
        try:
            loaded = load_yaml(match.group(1))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark is not None else ""
            raise CorpusError(f"{path}: the front matter is not valid YAML{where}; fix it or remove it.") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise CorpusError(f"{path}: the front matter must be key: value pairs (title, levels, tracks, topics).")
        meta = loaded or {}
        body = text[match.end() :]
    elif text.startswith("---"):
        raise CorpusError(f"{path}: the front matter starts with '---' but has no closing '---' line.")
    title = str(meta.get("title") or "").strip()
    if not title:
        heading = re.search(r"^#\s+(.+)$", body, re.MULTILINE)
        title = heading.group(1).strip() if heading else Path(path).stem.replace("-", " ").capitalize()
    return Document(
        path=path,
        title=title,
        levels=_as_tuple(meta.get("levels")),
        tracks=_as_tuple(meta.get("tracks")),
        topics=_as_tuple(meta.get("topics")),
        sources=_as_tuple(meta.get("sources")),
        body=body,
    )


def section_levels(document: Document, headings: tuple[str, ...], ladder: Ladder) -> tuple[str, ...]:
    """The levels a section is about, from the nearest heading that names one (the title last), else from front
    matter that names one or two; a guide for every level is about none in particular."""
    for heading in (*reversed(headings), document.title):
        named = _heading_levels(heading, ladder)
        if named:
            return named
    return document.levels if len(document.levels) <= 2 else ()


@lru_cache(maxsize=8192)  # a title is asked about for every section of its guide, on every start
def _heading_levels(heading: str, ladder: Ladder) -> tuple[str, ...]:
    lowered = heading.lower()
    # "Talking with your manager" is about a person, not the Engineering Manager level.
    return tuple(dict.fromkeys(mention.level for mention in ladder.mentions(lowered)
                               if not POSSESSIVE.search(lowered[: mention.start])))  # fmt: skip


def chunk_document(document: Document, ladder: Ladder | None = None) -> list[Chunk]:
    """One chunk per heading section (long sections split with overlap), ids stable across runs."""
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    ladder = ladder or load_ladder()

    header_splitter = MarkdownHeaderTextSplitter(headers_to_split_on=HEADINGS, strip_headers=True)
    size_splitter = RecursiveCharacterTextSplitter(chunk_size=MAX_CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
    chunks: list[Chunk] = []
    for piece in header_splitter.split_text(document.body):
        headings = tuple(piece.metadata[key] for _, key in HEADINGS if piece.metadata.get(key))
        section = headings[-1] if headings else document.title
        about = section_levels(document, headings, ladder)
        # The header splitter joins lines with markdown hard breaks ("  \n"); the file has plain newlines.
        content = re.sub(r"[ \t]+\n", "\n", piece.page_content)
        for part, text in enumerate(size_splitter.split_text(content)):
            text = text.strip()
            if not text:
                continue
            digest = hashlib.sha256(f"{document.path}\n{' > '.join(headings)}\n{part}\n{text}".encode()).hexdigest()
            chunks.append(
                Chunk(
                    id=f"{document.path}#{digest[:16]}",
                    path=document.path,
                    title=document.title,
                    section=section,
                    text=text,
                    levels=document.levels,
                    tracks=document.tracks,
                    topics=document.topics,
                    headings=headings,
                    section_levels=about,
                )
            )
    return chunks


def folder_files(directories: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(folder, markdown file) for every corpus file of the folders."""
    files: list[tuple[Path, Path]] = []
    for directory in directories:
        if directory.is_dir():
            files.extend((directory, path) for path in sorted(directory.rglob("*.md"))
                         if path.name.lower() not in SKIPPED_NAMES)  # fmt: skip
    return files


def read_document(path: Path, folder: Path | None = None) -> Document:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CorpusError(f"{display_path(path, folder)}: larger than {MAX_FILE_BYTES // 1_000_000} MB; split it.")
        raw = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{display_path(path, folder)}: cannot be read ({error.strerror}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{display_path(path, folder)}: is not UTF-8 text; save it as UTF-8 markdown.") from None
    return parse_document(text, display_path(path, folder))


def load_corpus(directories: Iterable[Path]) -> tuple[list[Document], list[str]]:
    """Every readable document, and one message per file that was skipped (never raises for one bad file)."""
    documents: list[Document] = []
    problems: list[str] = []
    for folder, path in folder_files(directories):
        try:
            documents.append(read_document(path, folder))
        except CorpusError as error:
            problems.append(str(error))
    return documents, problems


def chunk_corpus(documents: Iterable[Document], ladder: Ladder | None = None) -> list[Chunk]:
    ladder = ladder or load_ladder()
    return [chunk for document in documents for chunk in chunk_document(document, ladder)]


def save_upload(uploads_dir: Path, name: str, data: bytes) -> Path:
    """Validate and keep an uploaded company ladder (markdown) beside the corpus; raises CoachError with the fix."""
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "-", Path(name).name).strip(".-") or "ladder.md"
    if not safe_name.lower().endswith(".md"):
        raise CorpusError(f"{name}: upload markdown files (.md).")
    if len(data) > MAX_UPLOAD_BYTES:
        raise CorpusError(f"{name}: larger than 1 MB; split it into smaller markdown files.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CorpusError(f"{name}: not UTF-8 text; save it as UTF-8 markdown and upload it again.") from None
    try:
        parse_document(text, f"uploads/{safe_name}")
    except CorpusError as error:
        raise CorpusError(str(error)) from None
    uploads_dir.mkdir(parents=True, exist_ok=True)
    target = uploads_dir / safe_name
    target.write_text(text, encoding="utf-8")
    return target
