"""The reader quality gates of ``make check``: links, HTML, accessibility, page weight.

One module per gate, each a function from a built site folder to a GateResult that
names every page and problem; ``runner`` runs them (``python -m generator quality``).
"""
