"""The site: the edition model → the docs tree → MkDocs → ``site/``."""
