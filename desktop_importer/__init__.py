"""Desktop Importer: a private, searchable archive of your AI-chat exports."""

__version__ = "0.1.0"
