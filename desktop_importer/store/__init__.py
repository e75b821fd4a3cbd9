"""All SQL lives in this package: the models, the engine, the schema and the repositories."""

from desktop_importer.store import archive, profiles
from desktop_importer.store.database import Store, open_store

__all__ = ["Store", "archive", "open_store", "profiles"]
