"""The fresh processes of the scale benchmark: `python -m coach.bench build|query ...` prints its figures as JSON."""

import json
import sys
from pathlib import Path

from coach.bench.scale import build_worker, query_worker

mode, *args = sys.argv[1:]
if mode == "build":
    figures = build_worker(Path(args[0]), Path(args[1]), Path(args[2]))
else:
    figures = query_worker(Path(args[0]), Path(args[1]), Path(args[2]), int(args[3]))
print(json.dumps(figures))
