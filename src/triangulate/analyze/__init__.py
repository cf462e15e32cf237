"""Language analysis over cleaned text: time expressions (and, later, entities, places, counts)."""

from .times import TimeMention, find_times

__all__ = ["TimeMention", "find_times"]
