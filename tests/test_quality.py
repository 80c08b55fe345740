"""Quality pinned per site: leave-one-site-out scores on the corpus may not fall below the floors.

Lowering a floor in quality_floor.json is a deliberate, reviewed change; a site getting worse by
accident fails here.  Trains one model per site: minutes, not seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.fixtures import iter_docs

from .conftest import FIXTURES

FLOORS = json.loads((Path(__file__).parent / "quality_floor.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def loso_report(corpus):
    pytest.importorskip("sklearn")
    from cleaner.evaluate import loso

    docs = list(iter_docs(*(corpus / sub for sub in FLOORS["collections"])))
    return loso(docs, list(iter_docs(FIXTURES)), jobs=2).as_dict()


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["f1", "line_accuracy", "perfect"])
def test_overall_scores_meet_the_floor(loso_report, metric):
    assert loso_report["overall"][metric] >= FLOORS["overall"][metric]


@pytest.mark.slow
@pytest.mark.parametrize("site", sorted(FLOORS["sites"]))
def test_site_f1_meets_its_floor(loso_report, site):
    assert loso_report["sites"][site]["f1"] >= FLOORS["sites"][site]
