"""cleaner: strips site chrome from scraped Indonesian news and returns the article and its fields.

    >>> from cleaner import clean
    >>> article = clean(scraped_text)
    >>> article.body, article.title, article.published
"""

from cleaner.config import Config
from cleaner.core import Article, Cleaner, InputTooLargeError, Line, clean
from cleaner.decode import NotTextError
from cleaner.model import ModelError

__version__ = "0.1.0"

__all__ = [
    "Article", "Cleaner", "Config", "InputTooLargeError", "Line", "ModelError", "NotTextError", "clean", "__version__",
]
