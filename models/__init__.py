"""The shipped model (arrays + manifest), installed as package data of `cleaner.models`."""
