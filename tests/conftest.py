"""Shared test helpers: where the labelled corpus is (tests that need it skip without it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
CORPUS = Path(os.environ.get("CLEANER_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "pages").is_dir():
        pytest.skip(f"the labelled corpus is not at {CORPUS} (set CLEANER_CORPUS)")
    return CORPUS
