"""Invalidation rules: model writes that drop (or rewarm) cached entries on commit."""

from restflow.caching.invalidation.rule import InvalidationRule

__all__ = ["InvalidationRule"]
