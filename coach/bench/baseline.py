"""The benchmark's baseline: the standard LangChain RAG pipeline (RecursiveCharacterTextSplitter 1000/200, the same
embedding model, Chroma, similarity_search) over the same markdown files."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from coach.knowledge.corpus import display_path

HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


class LangChainBaseline:
    """What a tutorial builds: whole files split 1000/200, embedded into Chroma, top-k similarity search."""

    def __init__(self, files: Sequence[tuple[Path, Path]], embeddings: Embeddings, directory: Path) -> None:
        """`files` are (knowledge folder, markdown file) pairs, so chunks are cited as the project cites them."""
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        self.headings: dict[str, list[tuple[int, str]]] = {}
        documents = []
        for folder, file in files:
            text = file.read_text(encoding="utf-8")
            path = display_path(file, folder)
            self.headings[path] = [(match.start(), match.group(1)) for match in HEADING.finditer(text)]
            documents.append(Document(page_content=text, metadata={"path": path}))
        self.chunks = splitter.split_documents(documents)
        self.store = Chroma(
            collection_name="langchain_baseline",
            embedding_function=embeddings,
            persist_directory=str(directory),
            collection_metadata={"hnsw:space": "cosine"},
        )
        self.store.add_documents(self.chunks)

    def sections(self, path: str, start: int, length: int) -> list[tuple[str, str]]:
        """Every section a chunk overlaps: the one it starts in and any whose heading it contains (generous)."""
        found = [heading for offset, heading in self.headings.get(path, []) if offset <= start][-1:]
        found += [heading for offset, heading in self.headings.get(path, []) if start < offset < start + length]
        return [(path, heading) for heading in found]

    def rank(self, question: str, k: int = 10) -> list[tuple[str, str]]:
        ranked: list[tuple[str, str]] = []
        for document in self.store.similarity_search(question, k=k):
            for section in self.sections(
                document.metadata["path"], document.metadata["start_index"], len(document.page_content)
            ):
                if section not in ranked:
                    ranked.append(section)
        return ranked
