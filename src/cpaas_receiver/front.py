"""The receiver's server front: granian (HTTP in Rust) with an RSGI application that
buffers each request body before any thread sees it.

Why: a client that trickles its body, or sends headers and then nothing, costs a
coroutine here, never a thread, so slow clients cannot starve the others, and the
body deadline (``--body-timeout``) is an ``asyncio`` timeout instead of a watchdog that
shuts sockets down. Once the body is in (or the deadline passed, or the client went
away), the WSGI application (:class:`~cpaas_receiver.app.CallbackDispatcher` in front of
Flask) runs in a thread of a fixed pool with the body in memory, and its answer goes
back through granian. HTTP parsing and sending happen in Rust, outside the GIL: that
is where the speed of this front comes from (docs/benchmarks.md).

Each granian worker process imports :func:`application` and builds its own app (its own
database connection, thread pool and access log) from the environment variables that
``cpaas-receiver`` sets before it starts granian.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from .accesslog import access_line
from .app import BODY_TIMEOUT, FRONT_BODY_INCOMPLETE, FRONT_BODY_SIZE, FRONT_BODY_TIMED_OUT, body_framing, body_plan, create_app
from .config import load_config

ENV_CONFIG = "CPAAS_RECEIVER_FRONT_CONFIG"
ENV_DATABASE = "CPAAS_RECEIVER_FRONT_DATABASE"
ENV_BODY_TIMEOUT = "CPAAS_RECEIVER_FRONT_BODY_TIMEOUT"
ENV_THREADS = "CPAAS_RECEIVER_FRONT_THREADS"
ENV_ACCESS_LOG = "CPAAS_RECEIVER_FRONT_ACCESS_LOG"

# Proxies whose X-Forwarded-Proto is believed (as gunicorn's forwarded_allow_ips was).
TRUSTED_PROXIES = ("127.0.0.1", "::1")
# Characters RFC 3986 allows unescaped in a path: the request target is rebuilt from the
# decoded path granian gives, so these stay as a provider would have written them.
PATH_SAFE = "/:@!$&'()*+,;=~"


def _host_and_port(address):
    """``"127.0.0.1:8780"`` or ``"[::1]:8780"`` -> (host, port)."""
    host, _sep, port = address.rpartition(":")
    return host.strip("[]"), port


_TIMEOUT = getattr(asyncio, "timeout", None)


class _Received:
    """What arrived of a body so far: kept even when the deadline cuts the reading off."""

    __slots__ = ("parts", "size", "failed")

    def __init__(self):
        self.parts, self.size, self.failed = [], 0, False

    async def collect(self, protocol, keep, maximum):
        # granian yields b"" for a chunk that failed (the client went away mid-body)
        # and b"" again at the end: an empty chunk before the end is a failure.
        empty = 0
        async for chunk in protocol:
            if not chunk:
                empty += 1
                continue
            if self.size < keep:
                self.parts.append(chunk[:keep - self.size])
            self.size += len(chunk)
            if self.size >= maximum:
                break
        self.failed = empty > 1


class BufferingFront:
    """RSGI application: the body first, in the event loop; then the WSGI app, in a thread."""

    def __init__(self, wsgi_app, max_body_bytes, body_timeout=BODY_TIMEOUT, threads=64, access_log=None):
        self.wsgi_app = wsgi_app
        self.max_body_bytes = max_body_bytes
        self.body_timeout = body_timeout
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cpaas-receiver")
        self.access_log = access_log
        self.base_environ = {
            "GATEWAY_INTERFACE": "CGI/1.1", "SCRIPT_NAME": "", "SERVER_SOFTWARE": "granian (cpaas-receiver)",
            "wsgi.errors": sys.stderr, "wsgi.multiprocess": True, "wsgi.multithread": True, "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            # The body is in memory and ends where it ends: without this werkzeug hands Flask
            # (the API, the page) an empty body for a request without Content-Length (chunked).
            "wsgi.input_terminated": True,
        }

    async def __rsgi__(self, scope, protocol):
        if scope.proto != "http":
            return  # no websockets: granian closes the connection
        environ = self.environ(scope)
        await self.read_body(environ, protocol)
        try:
            status, headers, body = await asyncio.get_running_loop().run_in_executor(self.pool, self.run_wsgi, environ)
        except Exception:  # noqa: BLE001 - as a WSGI server does: the traceback to the error log, a 500 to the client
            traceback.print_exc()
            status, headers, body = 500, [("Content-Type", "text/plain"), ("Connection", "close")], b"Internal Server Error"
            if self.access_log is not None:
                self.access_log.write(access_line(environ, status, len(body), time.time()))
        protocol.response_bytes(status, headers, body)

    __call__ = __rsgi__

    def environ(self, scope):
        environ = dict(self.base_environ)
        path, query = scope.path, scope.query_string
        server_host, server_port = _host_and_port(scope.server)
        client_host, client_port = _host_and_port(scope.client)
        environ.update({
            "REQUEST_METHOD": scope.method,
            # PEP 3333: the path's bytes as latin-1 (granian hands the decoded text)
            "PATH_INFO": path.encode("utf-8").decode("latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": quote(path, safe=PATH_SAFE) + ("?" + query if query else ""),
            "SERVER_PROTOCOL": "HTTP/1.0" if scope.http_version == "1" else "HTTP/" + scope.http_version,
            "SERVER_NAME": server_host, "SERVER_PORT": server_port,
            "REMOTE_ADDR": client_host, "REMOTE_PORT": client_port,
            "wsgi.url_scheme": scope.scheme,
        })
        for name, value in scope.headers.items():
            if "_" in name:
                # X_Forwarded_Proto would land on X-Forwarded-Proto's key: dropped, as gunicorn's
                # header_map=drop does, so a client cannot pass for the proxy or mix into its value.
                continue
            if name == "content-type":
                key = "CONTENT_TYPE"
            elif name == "content-length":
                key = "CONTENT_LENGTH"
            else:
                key = "HTTP_" + name.upper().replace("-", "_")
            if key in environ:  # a repeated field: one value, comma-separated (cookies: "; ")
                value = environ[key] + ("; " if key == "HTTP_COOKIE" else ",") + value
            environ[key] = value
        if client_host in TRUSTED_PROXIES and environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower() == "https":
            environ["wsgi.url_scheme"] = "https"
        return environ

    async def _within_deadline(self, reading):
        if _TIMEOUT is not None:  # Python 3.11 and later: no task per request
            async with _TIMEOUT(self.body_timeout):
                await reading
        else:
            await asyncio.wait_for(reading, self.body_timeout)

    async def read_body(self, environ, protocol):
        """Put the body (what the app may keep of it) into ``wsgi.input``, reading no more
        than the app would and for no longer than the body timeout."""
        declared, chunked = body_framing(environ)
        keep, maximum = body_plan(declared, chunked, self.max_body_bytes)
        received = _Received()
        if maximum:
            try:
                await self._within_deadline(received.collect(protocol, keep, maximum))
                if received.failed and declared is None:  # with a length, app.py says how much of it came
                    environ[FRONT_BODY_INCOMPLETE] = "the connection failed after %d bytes of the body" % received.size
            except asyncio.TimeoutError:  # TimeoutError itself from Python 3.11 on
                environ[FRONT_BODY_TIMED_OUT] = True
        parts, size = received.parts, received.size
        body = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(body)
        environ[FRONT_BODY_SIZE] = size

    def run_wsgi(self, environ):
        """The WSGI app's answer, whole: (status, headers, body)."""
        started = time.time()
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        result = self.wsgi_app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(answer["status"].split(None, 1)[0])
        if self.access_log is not None:
            self.access_log.write(access_line(environ, status, len(body), started))
        return status, [(str(name), str(value)) for name, value in answer["headers"]], body


class AccessLog:
    """Appends one line per request to a file (``-``: stderr).

    One ``write`` system call per line on a descriptor opened with O_APPEND: lines from
    the threads and worker processes never interleave, and there is no lock or logging
    machinery per request (Python's logging cost 15 % of a callback's CPU here).
    """

    def __init__(self, target):
        if target == "-":
            self.fd = sys.stderr.fileno()
        else:
            self.fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)

    def write(self, line):
        try:
            os.write(self.fd, (line + "\n").encode("utf-8", "backslashreplace"))
        except OSError:
            pass  # a full disk or a closed stderr must not fail the request


def application():
    """granian's factory target: the front around the app built from ``cpaas-receiver``'s settings."""
    config = load_config(os.environ[ENV_CONFIG])
    app = create_app(config, os.environ[ENV_DATABASE])
    body_timeout = float(os.environ.get(ENV_BODY_TIMEOUT, BODY_TIMEOUT))
    app.config["RECEIVER_BODY_TIMEOUT"] = body_timeout
    return BufferingFront(app, config.max_body_bytes, body_timeout=body_timeout, threads=int(os.environ.get(ENV_THREADS, "16")),
                          access_log=AccessLog(os.environ.get(ENV_ACCESS_LOG, "-")))
