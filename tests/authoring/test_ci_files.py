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


def test_workflow_runs_changed_lessons_twice_without_cache():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "docs.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    [stability] = [s for s in steps if ".ci/repeat-changed" in s.get("run", "")]
    assert stability["env"]["FORMAT"] == "github"
    script = (REPO / ".ci" / "repeat-changed").read_text(encoding="utf-8")
    assert "themelion check --repeat 2" in script and "git diff --name-only" in script


def test_repeat_changed_script_checks_only_lessons_changed_since_the_base(tmp_path):
    import os
    import shutil
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(REPO / ".ci", repo / ".ci")
    (repo / "content").mkdir()
    (repo / "content" / "velha.md").write_text("velha\n", encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "themelion"
    fake.write_text('#!/bin/sh\necho "themelion $*"\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    run = lambda: subprocess.run([str(repo / ".ci" / "repeat-changed")], cwd=repo, env=env,
                                 capture_output=True, text=True)
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    git("add", "README.md")
    git("commit", "-q", "-m", "docs")
    assert "nenhuma lição alterada" in run().stdout
    (repo / "content" / "nova.md").write_text("nova\n", encoding="utf-8")
    git("add", "content/nova.md")
    git("commit", "-q", "-m", "lesson")
    assert run().stdout.strip() == "themelion check --repeat 2 --format text content/nova.md"
