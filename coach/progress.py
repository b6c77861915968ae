"""Progress shown on a terminal (stderr) while the index builds: `coach index`, a first `coach ask`, the benchmark."""

from __future__ import annotations

import sys
from typing import Any

from coach.retrieval.index import Progress


def progress_bar() -> Progress:
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(done: int, total: int, what: str) -> None:
        if total == 0:
            return
        bar = bars.get(what)
        if bar is None:
            unit = "chunk" if what == "embedding" else "step"
            bar = bars[what] = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return progress
