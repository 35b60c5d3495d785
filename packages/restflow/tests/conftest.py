"""Django settings for the meta-package's tests: every restflow app installed together."""

from __future__ import annotations

from testsupport.settings import configure


def pytest_configure(config: object) -> None:
    configure("restflow-meta", ["drf_spectacular", "restflow.core"], REST_FRAMEWORK={})
