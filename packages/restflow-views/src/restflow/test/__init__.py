"""restflow.test: async test client, request factory and test case bases."""

from restflow.test.client import AsyncAPIClient
from restflow.test.factory import AsyncAPIRequestFactory, force_authenticate
from restflow.test.live_server import ASGILiveServer
from restflow.test.testcases import (
    AsyncAPILiveServerTestCase,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
)

__all__ = [
    "ASGILiveServer",
    "AsyncAPIClient",
    "AsyncAPILiveServerTestCase",
    "AsyncAPIRequestFactory",
    "AsyncAPISimpleTestCase",
    "AsyncAPITestCase",
    "AsyncAPITransactionTestCase",
    "force_authenticate",
]
