"""Facts about an interpreter's installed packages, for the declared-dependency check.

Standard library only: the builder imports it when the blocks run on its own
interpreter, and runs it as ``python -I environment_probe.py`` otherwise.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import re
import sys


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def facts() -> dict:
    providers: dict[str, list[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        providers[module] = sorted({_norm(d) for d in dists})
    versions: dict[str, str] = {}
    requires: dict[str, list[str]] = {}
    for dist in metadata.distributions():
        name = dist.metadata.get("Name")
        if not name:
            continue
        key = _norm(name)
        versions.setdefault(key, dist.version)
        needed = set()
        for requirement in dist.requires or ():
            head, _, marker = requirement.partition(";")
            if "extra" in marker:
                continue  # only what the package always needs
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", head)
            if match:
                needed.add(_norm(match.group(1)))
        requires.setdefault(key, sorted(needed))
    return {"stdlib": sorted(sys.stdlib_module_names), "providers": providers, "versions": versions,
            "requires": requires}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(facts()))
