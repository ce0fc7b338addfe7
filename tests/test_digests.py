"""Digests of template data: equal data, equal digest, in every process; any difference shows."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
from markupsafe import Markup

from pregon.digests import DataDigests


@dataclass(frozen=True)
class Item:
    title: str
    tags: frozenset[str]
    when: datetime.date | None


def test_every_difference_changes_the_digest() -> None:
    digests = DataDigests()
    base = {"item": Item("A", frozenset({"x", "y"}), datetime.date(2020, 1, 2)), "list": [1, "2"]}
    variants = [
        {"item": Item("B", frozenset({"x", "y"}), datetime.date(2020, 1, 2)), "list": [1, "2"]},
        {"item": Item("A", frozenset({"x"}), datetime.date(2020, 1, 2)), "list": [1, "2"]},
        {"item": Item("A", frozenset({"x", "y"}), None), "list": [1, "2"]},
        {"item": Item("A", frozenset({"x", "y"}), datetime.date(2020, 1, 2)), "list": ["1", "2"]},
        {"item": Item("A", frozenset({"x", "y"}), datetime.date(2020, 1, 2)), "list": [1, Markup("2")]},
        {"item": Item("A", frozenset({"x", "y"}), datetime.date(2020, 1, 2)), "list": (1, "2")},
    ]
    seen = {digests.digest(base)} | {DataDigests().digest(variant) for variant in variants}
    assert len(seen) == len(variants) + 1
    assert DataDigests().digest(base) == digests.digest(base)


def test_anything_but_plain_data_is_refused() -> None:
    with pytest.raises(TypeError, match="plain data"):
        DataDigests().digest({"renderer": object()})


def test_the_digest_is_the_same_in_every_process() -> None:
    script = (
        "import datetime; from tests.test_digests import Item; from pregon.digests import DataDigests; "
        "print(DataDigests().digest({'a': Item('é', frozenset(map(str, range(50))), datetime.date(2020, 1, 1))}).hex())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1 and len(runs.pop().strip()) == 64
