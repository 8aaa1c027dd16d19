"""migstat: international migration statistics from administrative records."""

__version__ = "0.1.0"
