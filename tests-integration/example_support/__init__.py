"""Helpers for tests-integration/test_example.py: the example project served by uvicorn."""
