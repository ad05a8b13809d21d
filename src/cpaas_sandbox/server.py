"""Serving the sandbox with werkzeug's threaded server (for the CLI and for tests)."""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request (the sandbox keeps its own request log)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def build_server(app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = False) -> BaseWSGIServer:
    handler = QuietRequestHandler if quiet else WSGIRequestHandler
    return make_server(host, port, app, threaded=True, request_handler=handler)


class SandboxServer:
    """A sandbox served in a background thread; ``url`` is its base URL."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server = build_server(app, host, port, quiet=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="cpaas-sandbox", daemon=True)
        self.url = f"http://{host}:{self._server.server_port}"

    @property
    def state(self):
        return self.app.extensions["cpaas_sandbox"].state

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
