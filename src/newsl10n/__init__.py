"""newsl10n: offline localization workflow for news articles."""

__version__ = "0.1.0"
