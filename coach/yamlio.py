"""Safe YAML loading through libyaml when PyYAML has it: the ladder parses in about 50 ms instead of 300 ms, which
a cold start feels."""

from __future__ import annotations

from typing import IO, Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | IO[str]) -> Any:
    """Like `yaml.safe_load`: plain data only, never arbitrary objects."""
    return yaml.load(source, Loader=_LOADER)
