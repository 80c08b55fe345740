"""cleaner: strips site chrome from scraped Indonesian news and returns the article and its fields.

    >>> from cleaner import clean
    >>> article = clean(scraped_text)
    >>> article.body, article.title, article.published
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleaner.config import Config
    from cleaner.core import Article, Cleaner, InputTooLargeError, Line, clean
    from cleaner.decode import NotTextError
    from cleaner.model import ModelError

__version__ = "0.1.0"

__all__ = [
    "Article", "Cleaner", "Config", "InputTooLargeError", "Line", "ModelError", "NotTextError", "clean", "__version__",
]

# Where each public name lives.  They are imported on first use, so that `import cleaner.cli` does
# not import numpy before the command line has set how many threads numpy's BLAS may start.
_HOMES = {
    "Config": "cleaner.config",
    "Article": "cleaner.core", "Cleaner": "cleaner.core", "InputTooLargeError": "cleaner.core",
    "Line": "cleaner.core", "clean": "cleaner.core",
    "NotTextError": "cleaner.decode",
    "ModelError": "cleaner.model",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next look-up is a plain one
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
