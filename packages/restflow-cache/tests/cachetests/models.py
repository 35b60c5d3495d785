"""Models the caching tests use."""
