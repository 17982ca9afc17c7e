"""framelab: comparative news-framing analysis."""

__version__ = "0.1.0"
