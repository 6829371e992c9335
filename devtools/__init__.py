"""Development tools, outside the runtime package: synthetic archives, the benchmark,
the search yardsticks and the reader quality gates (``python -m generator`` dispatches
``synth``, ``bench`` and ``quality`` here)."""
