# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answers that are not the provider's, and servers that cannot be reached.

An ``api_url`` that answers every request with ``200`` and an HTML page (a proxy's login
page, a wrong host) must fail every module, in check mode and in a real run, with a
message naming the provider, the method, the URL (without credentials) and ``api_url``,
and nothing may be written to that server: Bandwidth once read such a page as an empty
account and POSTed the callback passwords to it.

A refused connection and a TLS failure name the host, the port and the kind of failure;
a TLS failure is not "temporary" and is not retried.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ansible_collections.cpaas.callbacks.tests.unit.plugins.reliability.providers import LANDED, provider_ids

# Well-formed as XML too, so that an XML reader that only checks well-formedness would accept it.
HTML_PAGE = b"<html><head><title>Sign in</title></head><body><h1>Welcome</h1></body></html>"


class Recorder(BaseHTTPRequestHandler):
    """Answers everything with 200 and ``server.page`` (of ``server.content_type``); records each request."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(self.server.page)))
        self.end_headers()
        self.wfile.write(self.server.page)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def foreign_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []
    server.page = HTML_PAGE
    server.content_type = "text/html; charset=utf-8"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _api_url(case, base):
    """The api_url of a case pointed at ``base`` (keeping the provider's path prefix), with credentials in it."""
    prefix = {"bandwidth": "/api", "vobiz": "/api/v1"}.get(case.name, "")
    return base.replace("http://", "http://proxyuser:proxy-pass-Xy3@") + prefix


def _args(case, sandbox, base):
    args = dict(case.auth(sandbox), **case.desired("foreign-answer"))
    args["api_url"] = _api_url(case, base)
    return args


@pytest.mark.parametrize("check_mode", [True, False], ids=["check-mode", "real-run"])
@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_an_html_page_fails_naming_provider_request_and_api_url_and_nothing_is_written(sandbox, run_module, foreign_server,
                                                                                       case, check_mode):
    base = "http://127.0.0.1:%d" % foreign_server.server_port

    result = run_module(case.module.main, _args(case, sandbox, base), check_mode=check_mode)

    assert result.get("failed") is True, result
    assert result.get("changed") is not True
    message = result["msg"]
    provider = case.module.__name__.rsplit(".", 1)[-1].split("_")[0]
    assert provider.capitalize() in message, message
    assert "GET %s/" % base in message, message                 # the method and the URL
    assert "api_url (%s" % base in message, message             # api_url, shown
    assert "HTML page" in message, message
    assert "proxy-pass-Xy3" not in message and "proxyuser" not in message
    assert "Expecting value" not in message
    assert [method for method, _path, _body in foreign_server.seen if method != "GET"] == [], foreign_server.seen
    assert not any(b"cb-pass" in body or b"url-pass" in body for _m, _p, body in foreign_server.seen)


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_an_answer_of_the_right_type_but_the_wrong_shape_is_refused_too(sandbox, run_module, foreign_server, case):
    """A JSON (or XML) body that is not an application listing: another API behind the same URL."""
    if case.name == "bandwidth":
        foreign_server.page, foreign_server.content_type = b"<Status><Ok>true</Ok></Status>", "application/xml"
    else:
        foreign_server.page, foreign_server.content_type = b'{"status": "ok"}', "application/json"
    base = "http://127.0.0.1:%d" % foreign_server.server_port

    result = run_module(case.module.main, _args(case, sandbox, base))

    assert result.get("failed") is True, result
    assert "api_url (%s" % base in result["msg"], result["msg"]
    assert "not a" in result["msg"], result["msg"]
    assert [method for method, _path, _body in foreign_server.seen if method != "GET"] == []


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_a_refused_connection_names_host_port_and_the_failure(sandbox, run_module, case):
    port = _closed_port()
    args = _args(case, sandbox, "http://127.0.0.1:%d" % port)
    args["max_retries"] = 0

    result = run_module(case.module.main, args)

    assert result.get("failed") is True, result
    assert "connection refused" in result["msg"] and "127.0.0.1:%d" % port in result["msg"], result["msg"]


class ConnectionCounter:
    """A loopback TCP server that answers anything with a plain-HTTP line: to a TLS client that is a
    protocol error. Counts connections (one per attempt)."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                try:
                    connection.recv(4096)
                    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.listener.close()


@pytest.mark.parametrize("case", LANDED, ids=provider_ids(LANDED))
def test_a_tls_failure_is_named_not_called_temporary_and_not_retried(sandbox, run_module, case):
    server = ConnectionCounter()
    try:
        args = _args(case, sandbox, "http://127.0.0.1:%d" % server.port)
        args["api_url"] = args["api_url"].replace("http://", "https://")
        args["max_retries"] = 3

        result = run_module(case.module.main, args)
    finally:
        server.close()

    assert result.get("failed") is True, result
    message = result["msg"]
    assert "TLS error" in message and "127.0.0.1:%d" % server.port in message, message
    assert "temporary" not in message, message
    assert server.connections == 1, "a TLS failure was retried (%d connections)" % server.connections
