"""Files other projects reuse: the pre-commit hook and the GitHub workflow."""

from __future__ import annotations

import re

import yaml

from .conftest import REPO


def test_pre_commit_hook_runs_themelion_check_on_markdown():
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "themelion-check"
    assert hook["entry"] == "themelion check" and hook["language"] == "python"
    assert re.search(hook["files"], "content/backend/apis/rest.md")
    assert not re.search(hook["files"], "src/themelion_docs/cli.py")


def test_workflow_installs_checks_with_github_annotations_and_builds_strict():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "docs.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    joined = "\n".join(runs)
    assert 'pip install -e ".[dev]"' in joined
    assert "themelion check --format github" in joined
    assert "mkdocs build --strict" in joined
    assert runs.index(next(r for r in runs if "--format github" in r)) < runs.index(
        next(r for r in runs if "build --strict" in r))
