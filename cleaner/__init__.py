"""cleaner: strips site chrome from scraped Indonesian news."""
