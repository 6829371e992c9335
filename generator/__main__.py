import os
import sys

from generator.cli import main

code = main()
# The process ends without the interpreter's teardown, which frees every object
# one by one: 0.2 s after a one-edit rebuild at 10,000 articles, and it grows
# with the archive (docs/performance.md). Nothing is left for it to do: every
# file is written whole and closed (generator/atomic.py), and every child process
# has been waited for but the deletion of a replaced site, which is meant to
# outlive the build (build.discard). An unexpected error still ends the usual way,
# with its traceback.
try:
    sys.stdout.flush()
    sys.stderr.flush()
finally:
    os._exit(code)
