"""Test app for the dispatchers and their real worker processes."""
