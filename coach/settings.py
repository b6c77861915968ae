"""Typed settings, one schema read once from the environment (Streamlit exports `.streamlit/secrets.toml` root keys
there too), and the one table of model providers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NamedTuple
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from coach.errors import CoachError
from coach.knowledge.data import KNOWLEDGE_DIR

OFFLINE = "offline"


class Provider(NamedTuple):
    extra: str  # the pip extra that installs its LangChain integration
    module: str  # that integration's module
    key_variable: str | None  # the environment variable that holds its API key, if it needs one


PROVIDERS: dict[str, Provider] = {
    "openai": Provider("openai", "langchain_openai", "OPENAI_API_KEY"),
    "anthropic": Provider("anthropic", "langchain_anthropic", "ANTHROPIC_API_KEY"),
    "ollama": Provider("ollama", "langchain_ollama", None),
}
LLM_EXAMPLES = "openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, ollama:llama3.1"


class SettingsError(CoachError):
    """A configuration value is wrong; the message says which variable and what to set it to."""


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("career-coach", appauthor=False))


class Settings(BaseSettings):
    """Every setting has a default: the offline, single-user app needs no configuration."""

    model_config = SettingsConfigDict(env_prefix="COACH_", env_ignore_empty=True, frozen=True, extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    # Extra folders of markdown (a company's own ladder), indexed beside `knowledge/`; os.pathsep between them.
    extra_knowledge_dirs: Annotated[tuple[Path, ...], NoDecode] = Field(default=(), alias="COACH_KNOWLEDGE_DIRS")
    llm: str = OFFLINE
    llm_base_url: str | None = None
    llm_timeout: float = Field(default=30.0, gt=0)
    # How many characters of guide sections the model reads per question (at least five sections, up to ten). A
    # hosted model has room for the default; a small local one (4,096 tokens) wants about 7,500.
    llm_context_chars: int = Field(default=12_000, ge=1_000)
    # A team deployment: people's data in PostgreSQL and the index on a Chroma server, shared by every app replica.
    # Unset, both are embedded under the data directory (one app process).
    database_url: str | None = None
    chroma_url: str | None = None

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("extra_knowledge_dirs", mode="before")
    @classmethod
    def _folders(cls, value: object) -> tuple[Path, ...]:
        raw = value.split(os.pathsep) if isinstance(value, str) else list(value or ())  # type: ignore[call-overload]
        folders = []
        for item in raw:
            if str(item).strip():
                path = Path(str(item).strip()).expanduser()
                if not path.is_dir():
                    raise ValueError(f"'{item}' is not a folder; fix or unset it")
                folders.append(path)
        return tuple(folders)

    @field_validator("llm", mode="before")
    @classmethod
    def _provider_and_model(cls, value: object) -> str:
        text = str(value or OFFLINE).strip()
        if text.lower() == OFFLINE:
            return OFFLINE
        provider, _, model = text.partition(":")
        if not model or provider.lower() not in PROVIDERS:
            raise ValueError(
                f"'{text}' is not understood; use 'offline' or provider:model with provider one of "
                f"{', '.join(PROVIDERS)} (e.g. {LLM_EXAMPLES})"
            )
        return f"{provider.lower()}:{model}"

    @field_validator("llm_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return value or None

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgresql(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a PostgreSQL URL, postgresql://user:password@host:port/database (unset: SQLite)")
        return value or None

    @field_validator("chroma_url", mode="after")
    @classmethod
    def _chroma_server(cls, value: str | None) -> str | None:
        if not value:
            return None
        parsed = urlsplit(value)
        try:
            port = parsed.port
        except ValueError:
            port = None
        if parsed.scheme not in ("http", "https") or not parsed.hostname or port is None:
            raise ValueError("must be a Chroma server's address, http://host:port (unset: the embedded index)")
        return value.rstrip("/")

    @property
    def knowledge_dirs(self) -> tuple[Path, ...]:
        return (KNOWLEDGE_DIR, *self.extra_knowledge_dirs)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def model_dir(self) -> Path:
        """The embedding model's ONNX export, made from the packaged weights on first use."""
        return self.data_dir / "models"

    @property
    def user_db_path(self) -> Path:
        return self.data_dir / "user.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        """Company ladders a user uploads; indexed beside the corpus."""
        return self.data_dir / "uploads"

    @property
    def shared_index(self) -> bool:
        """The index lives on a Chroma server: `coach index` builds it, the app only reads it."""
        return self.chroma_url is not None

    @property
    def is_offline(self) -> bool:
        return self.llm == OFFLINE

    @property
    def provider(self) -> str | None:
        return None if self.is_offline else self.llm.split(":", 1)[0]

    @property
    def model_name(self) -> str | None:
        return None if self.is_offline else self.llm.split(":", 1)[1]

    def all_knowledge_dirs(self) -> tuple[Path, ...]:
        """The corpus, extra folders, then the user's uploaded ladders (a folder that may not exist yet)."""
        return (*self.knowledge_dirs, self.uploads_dir)


_VARIABLES = {
    "data_dir": "COACH_DATA_DIR",
    "COACH_KNOWLEDGE_DIRS": "COACH_KNOWLEDGE_DIRS",
    "llm": "COACH_LLM",
    "llm_base_url": "COACH_LLM_BASE_URL",
    "llm_timeout": "COACH_LLM_TIMEOUT",
    "database_url": "COACH_DATABASE_URL",
    "chroma_url": "COACH_CHROMA_URL",
}


def load_settings() -> Settings:
    """Read and validate the settings; raise SettingsError naming the variable and what it may be."""
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        variable = _VARIABLES.get(str(problem["loc"][0]), str(problem["loc"][0]))
        message = str(problem["msg"]).removeprefix("Value error, ")
        if problem["type"] in ("float_parsing", "greater_than"):
            message = "must be a positive number of seconds"
        # A database URL carries a password: it is never repeated back.
        shown = "…" if variable == "COACH_DATABASE_URL" else os.environ.get(variable, "")
        raise SettingsError(f"{variable}='{shown}': {message}.") from None
