"""The content model: the front matter schema, article files, curation, check, and the
edition built from them (articles → issues, writers, chronology)."""
