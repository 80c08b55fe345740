"""Golden files: the shipped model's body for every fixture equals the fixture's gold body.

Fixtures are part of the training data, so this pins behaviour rather than measuring quality
(the leave-one-site-out floors of test_quality.py do that).  Documents the model still gets
wrong are listed in known_misses.txt and run as strict expected failures: fixing one makes its
test fail until it is taken off the list.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.fixtures import read_doc

from .conftest import FIXTURES

PATHS = sorted(FIXTURES.rglob("*.tsv"))
KNOWN_MISSES = {
    line.split("#")[0].strip()
    for line in (Path(__file__).parent / "known_misses.txt").read_text(encoding="utf-8").splitlines()
    if line.split("#")[0].strip()
}


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def _cases():
    for path in PATHS:
        name = str(path.relative_to(FIXTURES))
        marks = [pytest.mark.xfail(strict=True, reason="known miss")] if name in KNOWN_MISSES else []
        yield pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", list(_cases()))
def test_body_matches_gold(cleaner, path):
    doc = read_doc(path)
    assert cleaner.clean(doc.text).body.split("\n") == doc.gold_body_text().split("\n")
