"""What the build benchmarks share: one timed `mkdocs build`, and the table of medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def build(root: Path) -> float:
    """Seconds of one `mkdocs build` of ``root``; stops the benchmark if the build fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"),
                           "-d", str(root / "site")], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not (root / "site" / "index.html").exists():
        raise SystemExit(f"build falhou em {root}:\n{done.stderr[-3000:]}")
    return elapsed


def print_medians(samples: dict[str, list[float]], width: int = 20) -> dict[str, float]:
    """Prints median, min and max per variant; returns the medians."""
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'variante':<{width}}{'mediana':>10}{'mín':>10}{'máx':>10}")
    for name, values in samples.items():
        print(f"{name:<{width}}{medians[name]:>9.2f}s{min(values):>9.2f}s{max(values):>9.2f}s")
    return medians
