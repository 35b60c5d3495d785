"""Test case bases whose ``async_client`` is an :class:`AsyncAPIClient`."""

from __future__ import annotations

from django import test

from restflow.test.client import AsyncAPIClient
from restflow.test.live_server import ASGILiveServer


class AsyncAPISimpleTestCase(test.SimpleTestCase):
    """No database access; ``self.async_client`` is an :class:`AsyncAPIClient`."""

    async_client_class = AsyncAPIClient


class AsyncAPITransactionTestCase(test.TransactionTestCase):
    """Real transactions (``on_commit`` fires); tables are flushed after each test."""

    async_client_class = AsyncAPIClient


class AsyncAPITestCase(test.TestCase):
    """Each test runs in a transaction rolled back at teardown."""

    async_client_class = AsyncAPIClient


class AsyncAPILiveServerTestCase(test.TransactionTestCase):
    """The project served by uvicorn (ASGI) for the class; ``live_server_url`` is its URL.

    Needs ``uvicorn``. Data is committed (as in TransactionTestCase) so the server sees it.
    """

    async_client_class = AsyncAPIClient
    live_server_url: str
    _live_server: ASGILiveServer

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls._live_server = ASGILiveServer()
        cls.live_server_url = cls._live_server.start()
        cls.addClassCleanup(cls._live_server.stop)
