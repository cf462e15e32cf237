"""The analysis version: bump when analysis output changes, so that stored results are recomputed.

It covers event extraction (:mod:`triangulate.extract`), which runs on the same parse.
"""

ANALYZE_VERSION = "12"
