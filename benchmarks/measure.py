"""What the build benchmarks share: a copy of the project, one timed `mkdocs build`, the table of medians."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[1]
# What a build of the real site reads: the rest of the repository stays out of the copies.
COPIED = ("mkdocs.yml", "pyproject.toml", "content", "templates")


def copy_project(root: Path) -> None:
    """The real site under ``root`` (created), to be changed and built there."""
    root.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy2(source, root / name)

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
