"""Models the dispatcher tests use."""
