"""Ingest: raw scrapes → front-mattered Markdown articles in ``content/articles/``."""
