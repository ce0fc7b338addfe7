"""The example publishing workflow in docs/: parsed, and its build steps run here as CI would run them,
including a run that starts from a restored cache and no output folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import REPO, copy_shipped_site

WORKFLOW = REPO / "docs" / "publish.yml"


def load() -> dict[object, object]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(workflow, dict)
    return workflow


def steps() -> list[dict[str, object]]:
    jobs = load()["jobs"]
    assert isinstance(jobs, dict)
    found = jobs["build"]["steps"]
    assert isinstance(found, list)
    return found


def test_the_workflow_builds_on_every_push_to_main_and_keeps_the_cache() -> None:
    workflow = load()
    # YAML 1.1 reads a bare `on` as true; GitHub reads it as the key "on".
    triggers = workflow.get("on", workflow.get(True))
    assert triggers == {"push": {"branches": ["main"]}}
    (cache,) = [step for step in steps() if str(step.get("uses", "")).startswith("actions/cache@")]
    assert isinstance(cache["with"], dict) and cache["with"]["path"] == ".pregon-cache"
    names = [step.get("id") or step.get("uses") for step in steps()]
    assert names.index("install") < names.index(cache["uses"]) < names.index("build")
    (upload,) = [step for step in steps() if str(step.get("uses", "")).startswith("actions/upload-pages-artifact@")]
    assert isinstance(upload["with"], dict) and upload["with"]["path"] == "site"


def run_build_step(checkout: Path) -> None:
    """The workflow's build step, as its runner would run it: in the checkout, with pregon on the path."""
    (step,) = [step for step in steps() if step.get("id") == "build"]
    environment = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    done = subprocess.run(
        ["bash", "-e", "-c", str(step["run"])], cwd=checkout, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_run_from_a_restored_cache_makes_what_a_cold_run_makes(tmp_path: Path) -> None:
    first = copy_shipped_site(tmp_path / "first").root
    run_build_step(first)
    cold = hashes(first / "site")

    # The next push: a fresh checkout with no site/ folder, and the cache the last run saved.
    second = copy_shipped_site(tmp_path / "second").root
    shutil.copytree(first / ".pregon-cache", second / ".pregon-cache")
    run_build_step(second)
    assert hashes(second / "site") == cold

    # A push that changes a page: the restored cache's build equals a cold build of the same sources.
    third = copy_shipped_site(tmp_path / "third").root
    shutil.copytree(second / ".pregon-cache", third / ".pregon-cache")
    edited = next((third / "content/en/faq").glob("*.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    run_build_step(third)
    fresh = tmp_path / "fresh"
    shutil.copytree(third, fresh, ignore=shutil.ignore_patterns(".pregon-cache", "site"))
    run_build_step(fresh)
    assert hashes(third / "site") == hashes(fresh / "site") != cold
