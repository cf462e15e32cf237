"""The analysis version: bump when analysis output changes, so that stored results are recomputed."""

ANALYZE_VERSION = "1"
