"""ASGILiveServer: the project served by uvicorn in a background thread."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.asgi import get_asgi_application

from restflow.test._compat import require_uvicorn


class ASGILiveServer:
    """Serve an ASGI app (default: the project's) with uvicorn on a free loopback port.

    ``start()`` returns once the server accepts connections; ``url`` is its base URL.
    Async views and streaming responses run as in production (not Django's WSGI server).
    """

    def __init__(self, app: Any = None, host: str = "127.0.0.1", startup_timeout: float = 10.0):
        self.app = app
        self.host = host
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None:
            raise RuntimeError("ASGILiveServer.url read before start()")
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start serving in a daemon thread; return :attr:`url`."""
        uvicorn = require_uvicorn()
        app = self.app if self.app is not None else get_asgi_application()
        config = uvicorn.Config(app, host=self.host, port=0, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="asgi-live", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"uvicorn did not start on {self.host} within the timeout")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self.url

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=self.startup_timeout)
        self._server = self._thread = None
        self.port = None
