"""Test app for keys, cache_result, cache_response and invalidation rules."""
