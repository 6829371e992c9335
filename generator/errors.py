"""The generator's own errors: one base, so that the CLI maps each kind to an exit
code in one place (generator/cli.py) and prints its message, never a traceback.

Library code raises these and neither prints nor exits; a message names the file,
the line and the reason where there is one (``path:line: field: message``).
"""

from __future__ import annotations


class GeneratorError(Exception):
    """Something the person running the generator can fix; the message says what."""


class UsageError(GeneratorError):
    """The command was given something it cannot use (a path that does not exist,
    a folder that is not its to write)."""


class BuildError(GeneratorError):
    """A build step failed; the message says which and why, and the previous site
    is left as it was."""


class ContentError(BuildError):
    """The content has problems (one ``path:line: field: message`` line each), so
    the build stopped before writing anything."""


class RenderError(BuildError):
    """MkDocs could not render the docs tree (or found a broken link in it)."""


class SearchIndexError(BuildError):
    """The search index could not be written."""


class EpubError(BuildError):
    """The EPUB downloads could not be written."""
