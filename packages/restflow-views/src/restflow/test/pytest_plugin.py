"""pytest plugin (entry point ``restflow``): async client, request factory, live ASGI server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from restflow.test.client import AsyncAPIClient
from restflow.test.factory import AsyncAPIRequestFactory
from restflow.test.live_server import ASGILiveServer


@pytest.fixture
def async_api_client() -> AsyncAPIClient:
    """A fresh :class:`AsyncAPIClient` per test."""
    return AsyncAPIClient()


@pytest.fixture
def async_api_rf() -> AsyncAPIRequestFactory:
    """A fresh :class:`AsyncAPIRequestFactory` per test."""
    return AsyncAPIRequestFactory()


@pytest.fixture(scope="session")
def live_asgi_server() -> Iterator[str]:
    """Base URL of a uvicorn server running the project, shared by the session."""
    server = ASGILiveServer()
    url = server.start()
    try:
        yield url
    finally:
        server.stop()
