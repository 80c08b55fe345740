"""Settings of a cleaning run: one frozen object, defaults as named constants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Inputs larger than this are refused rather than cleaned: no news article comes near it, and a
# bound keeps one runaway input from holding a worker's memory.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    """How to clean.  The defaults keep the body exactly the article's own lines."""

    # Remove the "JAKARTA, KOMPAS.com - " lead from the body's first line (for NLP pipelines).
    strip_dateline: bool = False
    # Reference time for relative dates ("2 jam yang lalu"); without it they stay unresolved.
    now: datetime | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
