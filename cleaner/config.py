"""Settings of a cleaning run: one frozen object, defaults as named constants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Inputs larger than this are refused rather than cleaned: no news article comes near it, and a
# bound keeps one runaway input from holding a worker's memory.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

INPUT_FORMATS = ("auto", "text", "html")
# The variables that set how many threads numpy's BLAS starts.  The command and batch mode's workers
# set them to one (unless the caller did): the products are thin (a document's lines by a few hundred
# columns), threads do not speed them up, and starting a thread per core costs a process some 70 ms
# of CPU at numpy's import.  Set before numpy is imported, so `import cleaner` does not import it.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Config:
    """How to clean.  The defaults keep the body exactly the article's own lines."""

    # Remove the "JAKARTA, KOMPAS.com - " lead from the body's first line (for NLP pipelines).
    strip_dateline: bool = False
    # Reference time for relative dates ("2 jam yang lalu"); without it they stay unresolved.
    now: datetime | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    # Glued documents (a whole article in one CSV cell): None detects them (one non-blank line, or a
    # line longer than any paragraph), True treats every document as one, False leaves lines whole.
    glued: bool | None = None
    # What the input is: 'auto' tells an HTML page from scraped text by its start (a doctype, an
    # <html> tag, or several tags), 'text' and 'html' say it outright.
    input_format: str = "auto"

    def __post_init__(self):
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, not {self.input_format!r}")
