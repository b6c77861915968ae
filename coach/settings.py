"""Typed settings read once from the environment (Streamlit exports `.streamlit/secrets.toml` root keys there too)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coach.errors import CoachError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
OFFLINE = "offline"
KNOWN_PROVIDERS = ("openai", "anthropic", "ollama")


class SettingsError(CoachError):
    """A configuration value is wrong; the message says which variable and what to set it to."""


def _default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("career-coach", appauthor=False))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    knowledge_dirs: tuple[Path, ...]
    llm: str = OFFLINE
    llm_base_url: str | None = None
    llm_timeout: float = 30.0

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


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate settings; raise SettingsError naming the variable when a value is unusable."""
    env = os.environ if environ is None else environ
    data_dir = Path(env["COACH_DATA_DIR"]).expanduser() if env.get("COACH_DATA_DIR") else _default_data_dir()

    extra_dirs: list[Path] = []
    for raw in (env.get("COACH_KNOWLEDGE_DIRS") or "").split(os.pathsep):
        if raw.strip():
            path = Path(raw.strip()).expanduser()
            if not path.is_dir():
                raise SettingsError(f"COACH_KNOWLEDGE_DIRS names '{raw}', which is not a folder; fix or unset it.")
            extra_dirs.append(path)

    llm = (env.get("COACH_LLM") or OFFLINE).strip()
    if llm.lower() == OFFLINE:
        llm = OFFLINE
    else:
        provider, _, model = llm.partition(":")
        if not model or provider.lower() not in KNOWN_PROVIDERS:
            raise SettingsError(
                f"COACH_LLM='{llm}' is not understood; use 'offline' or provider:model with provider one of "
                f"{', '.join(KNOWN_PROVIDERS)} (e.g. openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, ollama:llama3.1)."
            )
        llm = f"{provider.lower()}:{model}"

    timeout_raw = env.get("COACH_LLM_TIMEOUT") or "30"
    try:
        timeout = float(timeout_raw)
        if timeout <= 0:
            raise ValueError
    except ValueError:
        raise SettingsError(f"COACH_LLM_TIMEOUT='{timeout_raw}' must be a positive number of seconds.") from None

    return Settings(
        data_dir=data_dir,
        knowledge_dirs=(KNOWLEDGE_DIR, *extra_dirs),
        llm=llm,
        llm_base_url=(env.get("COACH_LLM_BASE_URL") or None),
        llm_timeout=timeout,
    )
