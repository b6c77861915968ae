"""The chat-model factory: one `provider:model` string handed to LangChain's `init_chat_model`, imported lazily."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from coach.errors import CoachError
from coach.settings import PROVIDERS, Settings

# The model writes at most this many tokens per answer; the code caps characters again after.
MAX_OUTPUT_TOKENS = 700


class ModelSetupError(CoachError):
    """The configured model cannot be used; the message names the package or the variable to set."""


def load_chat_model(settings: Settings, environ: Mapping[str, str] | None = None) -> Any:
    """The configured LangChain chat model, or None offline. Provider SDKs are imported only here, only when chosen."""
    if settings.is_offline:
        return None
    env = os.environ if environ is None else environ
    provider, model = settings.provider, settings.model_name
    assert provider is not None and model is not None
    extra, module, key_variable = PROVIDERS[provider]
    try:
        __import__(module)
    except ImportError:
        raise ModelSetupError(
            f"COACH_LLM={settings.llm} needs the {provider} integration: run pip install -e '.[{extra}]' "
            f"(or set COACH_LLM=offline)."
        ) from None
    options: dict[str, Any] = {"timeout": settings.llm_timeout, "max_retries": 0}
    if provider == "openai":
        options["max_tokens"] = MAX_OUTPUT_TOKENS
        if settings.llm_base_url:
            options["base_url"] = settings.llm_base_url
            # Local OpenAI-compatible servers accept any key; the SDK only insists that one is set.
            options["api_key"] = env.get("OPENAI_API_KEY") or "not-needed"
    elif provider == "anthropic":
        options["max_tokens"] = MAX_OUTPUT_TOKENS
    elif provider == "ollama":
        options = {"num_predict": MAX_OUTPUT_TOKENS}
        if settings.llm_base_url:
            options["base_url"] = settings.llm_base_url
    if key_variable and "api_key" not in options and not env.get(key_variable):
        raise ModelSetupError(
            f"COACH_LLM={settings.llm} needs an API key: set {key_variable} in the environment or in "
            f".streamlit/secrets.toml (or set COACH_LLM=offline)."
        )
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(f"{provider}:{model}", **options)
    except Exception as error:  # a provider's own validation of model name or options
        raise ModelSetupError(f"COACH_LLM={settings.llm} could not be set up: {error}") from None
