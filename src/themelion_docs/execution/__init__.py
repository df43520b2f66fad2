"""The example runner: options of runnable fences, the sandbox, the cache, the scheduler.

Typical use by the checker and the MkDocs plugin::

    examples, findings = build_examples(path, lesson.fences, settings)
    report = run_examples(examples, settings, progress=show)

No MkDocs import here: the plugin adapts this package, not the other way round.
"""

from .cache import prune_cache
from .catalog import catalog
from .examples import RUNNER_VERSION, Example, FenceLike, build_examples
from .options import OWNED_OPTIONS, RUNNABLE_LANGUAGES, strip_owned_options
from .output_match import output_matches
from .runner import ExampleResult, Progress, RunReport, run_examples
from .settings import RunnerSettings
from .stability import instability, with_stability

__all__ = [
    "OWNED_OPTIONS",
    "RUNNABLE_LANGUAGES",
    "RUNNER_VERSION",
    "Example",
    "ExampleResult",
    "FenceLike",
    "Progress",
    "RunReport",
    "RunnerSettings",
    "build_examples",
    "catalog",
    "output_matches",
    "prune_cache",
    "run_examples",
    "instability",
    "strip_owned_options",
    "with_stability",
]
