"""Factories for the heavy, read-only resources (embedding model, index, engine); the app caches what they return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from coach.conversation import Coach
from coach.index import KnowledgeIndex, Progress, RefreshReport, open_index
from coach.ladder import load_ladder
from coach.profile import expand_query
from coach.retrieval import HybridRetriever, Mode, RetrievalConfig
from coach.settings import Settings

if TYPE_CHECKING:
    from coach.generation import LlmWriter


def build_index(
    settings: Settings, embeddings: Embeddings | None = None, progress: Progress | None = None
) -> tuple[KnowledgeIndex, RefreshReport]:
    """Open the index under the data directory, building or refreshing it from the knowledge folders."""
    if embeddings is None:
        from coach.embeddings import load_embeddings

        embeddings = load_embeddings(settings.model_dir)
    if progress is None:
        return open_index(settings.index_dir, settings.all_knowledge_dirs(), embeddings)
    return open_index(settings.index_dir, settings.all_knowledge_dirs(), embeddings, progress)


def build_retriever(
    index: KnowledgeIndex, mode: Mode = "hybrid", config: RetrievalConfig | None = None
) -> HybridRetriever:
    """The project's retriever: queries expanded with canonical level names and the corpus's own words."""
    ladder = load_ladder()
    return HybridRetriever(index, mode=mode, config=config, expand=lambda query: expand_query(query, ladder))


def build_writer(settings: Settings) -> LlmWriter | None:
    """The LLM writer for the configured model, or None offline; raises ModelSetupError with the fix."""
    from coach.generation import LlmWriter
    from coach.llm import load_chat_model

    model = load_chat_model(settings)
    return None if model is None else LlmWriter(model, settings.llm, settings.llm_timeout)


def build_coach(index: KnowledgeIndex, writer: LlmWriter | None = None) -> Coach:
    return Coach(load_ladder(), build_retriever(index), writer)
