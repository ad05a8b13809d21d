"""The buffering front (front.py) that granian serves: the WSGI environ it builds, how it reads
bodies, and its access log.

The front is driven here with a stand-in for granian's RSGI scope and protocol (the attributes
front.py uses, and an async iterator of body chunks, where granian yields ``b""`` for a read that
failed and ``b""`` again at the end). What that stand-in assumes of granian, and what the front
must match, are checked against code we did not write: gunicorn's own request parser, environ
and access logger for the same raw request, and granian itself serving the front
(``front_echo.py``).

Known and accepted differences from gunicorn (RSGI hands the path percent-decoded, so the
request target is rebuilt): an escaped ``/`` or another escaped pchar (``%2F``, ``%3A``) comes
back unescaped in ``RAW_URI``, lowercase escapes come back uppercase, and bytes that are not
UTF-8 become U+FFFD; repeated Cookie fields are joined with ``"; "`` (gunicorn: ``","``).
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import signal
import socket
import string
import subprocess
import sys
import time
import types
from pathlib import Path
from urllib.parse import unquote

import pytest
from gunicorn import glogging
from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.http import wsgi as gunicorn_wsgi
from gunicorn.http.parser import RequestParser
from werkzeug.wrappers import Request

from cpaas_receiver import front
from cpaas_receiver.accesslog import ReceiverLogger, access_line
from cpaas_receiver.app import DRAIN_FACTOR, FRONT_BODY_INCOMPLETE, FRONT_BODY_SIZE, FRONT_BODY_TIMED_OUT, create_app
from cpaas_receiver.config import config_from_dict
from cpaas_receiver.front import BufferingFront

from .conftest import base_config, basic, bearer, free_port

LIMIT = 1024
WHEN = 1795867200.25  # the time every compared access-log line is written at
HERE = Path(__file__).resolve().parent


# --- stand-ins for granian's RSGI objects ---------------------------------------------------

class FakeHeaders:
    """granian's RSGIHeaders: lower-case names; ``items()`` lists a repeated field once per line."""

    def __init__(self, pairs):
        self.pairs = [(name.lower(), value) for name, value in pairs]

    def items(self):
        return list(self.pairs)


class FakeScope:
    proto = "http"
    scheme = "http"
    authority = None

    def __init__(self, method="GET", path="/", query_string="", headers=(), http_version="1.1",
                 client="127.0.0.1:40000", server="127.0.0.1:8780"):
        self.method, self.path, self.query_string = method, path, query_string
        self.headers = FakeHeaders(headers)
        self.http_version, self.client, self.server = http_version, client, server


class FakeProtocol:
    """The body's chunks as granian yields them; ``stall``: then nothing more ever arrives."""

    def __init__(self, chunks=(b"",), stall=False):
        self.chunks, self.stall = chunks, stall
        self.iterated = False
        self.pulled = 0
        self.response = None

    def __aiter__(self):
        self.iterated = True
        return self._chunks()

    async def _chunks(self):
        for chunk in self.chunks:
            self.pulled += 1
            yield chunk
        if self.stall:
            await asyncio.Event().wait()

    def response_bytes(self, status, headers, body):
        self.response = (status, headers, body)


def scope_from_raw(raw, client="127.0.0.1:40000"):
    """What granian makes of a raw HTTP/1 request head: the path percent-decoded (UTF-8, errors
    replaced), the query as sent, header names in lower case (checked in test_granian_*)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    request_line, *lines = head.split("\r\n")
    method, target, version = request_line.split(" ")
    path, _sep, query = target.partition("?")
    headers = [(name.strip(), value.strip()) for name, value in (line.split(":", 1) for line in lines)]
    return FakeScope(method, unquote(path, errors="replace"), query, headers, "1" if version == "HTTP/1.0" else "1.1", client)


class ListLog:
    def __init__(self):
        self.lines = []

    def write(self, line):
        self.lines.append(line)


def run(front, scope, protocol):
    asyncio.run(front(scope, protocol))
    return protocol.response


@pytest.fixture
def bare_front():
    """The front around a WSGI app that only says 200 (for the environ and body tests)."""
    seen = []

    def app(environ, start_response):
        seen.append(environ)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    front = BufferingFront(app, LIMIT, body_timeout=0.2, threads=2, access_log=ListLog())
    front.seen = seen
    yield front
    front.pool.shutdown()


@pytest.fixture
def receiver_front(tmp_path):
    """The front around the receiver's app (SQLite), as a granian worker builds it."""
    app = create_app(config_from_dict(base_config(max_body_bytes=LIMIT), environ={}), str(tmp_path / "events.db"))
    app.config["RECEIVER_BODY_TIMEOUT"] = 0.2
    kept = []  # the body the front handed over, per request

    def keeping(environ, start_response):
        kept.append(environ["wsgi.input"].getvalue())
        return app(environ, start_response)

    front = BufferingFront(keeping, LIMIT, body_timeout=0.2, threads=2, access_log=ListLog())
    front.app, front.kept = app, kept
    yield front
    front.pool.shutdown()
    app.store.close()


def event_of(front, response):
    event_id = dict(response[1])["X-Receiver-Event-Id"]
    return front.app.test_client().get("/api/events/%s" % event_id, headers=bearer()).get_json()


# --- the environ -------------------------------------------------------------------------------

def test_repeated_fields_are_joined_with_a_comma_and_cookies_with_a_semicolon(bare_front):
    environ = bare_front.environ(FakeScope(headers=[("X-Leg", "a"), ("Cookie", "a=1"), ("X-Leg", "b"), ("Cookie", "b=2")]))
    assert environ["HTTP_X_LEG"] == "a,b"
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert Request(environ).cookies.to_dict() == {"a": "1", "b": "2"}


def test_content_type_and_length_have_their_cgi_names(bare_front):
    environ = bare_front.environ(FakeScope("POST", headers=[("Content-Type", "text/xml"), ("Content-Length", "12")]))
    assert (environ["CONTENT_TYPE"], environ["CONTENT_LENGTH"]) == ("text/xml", "12")
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ


def test_path_info_is_the_utf8_path_as_latin1(bare_front):
    environ = bare_front.environ(FakeScope(path="/hooks/café/ü"))
    assert environ["PATH_INFO"] == "/hooks/caf\xc3\xa9/\xc3\xbc"  # PEP 3333: the bytes, one character each
    assert Request(environ).path == "/hooks/café/ü"  # werkzeug reads it back as the text


# RFC 3986, 3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
UNRESERVED = string.ascii_letters + string.digits + "-._~"
SUB_DELIMS = "!$&'()*+,;="


def test_raw_uri_keeps_rfc3986_pchars_escapes_the_rest_and_keeps_the_query(bare_front):
    pchars = UNRESERVED + SUB_DELIMS + ":@"
    environ = bare_front.environ(FakeScope(path="/cb/" + pchars + "/a b?#%é", query_string="token=%41b&x=%2F"))
    assert environ["RAW_URI"] == "/cb/" + pchars + "/a%20b%3F%23%25%C3%A9?token=%41b&x=%2F"
    assert bare_front.environ(FakeScope(path="/cb"))["RAW_URI"] == "/cb"  # no query: no "?"


@pytest.mark.parametrize("http_version, protocol", [("1", "HTTP/1.0"), ("1.1", "HTTP/1.1")])
def test_server_protocol(bare_front, http_version, protocol):
    assert bare_front.environ(FakeScope(http_version=http_version))["SERVER_PROTOCOL"] == protocol


@pytest.mark.parametrize("client, value, scheme", [
    ("127.0.0.1:40000", "https", "https"),
    ("[::1]:40000", "https", "https"),
    ("127.0.0.1:40000", "HTTPS, http", "https"),
    ("127.0.0.1:40000", "http", "http"),
    ("127.0.0.2:40000", "https", "http"),
    ("10.0.0.7:40000", "https", "http"),
    ("[::2]:40000", "https", "http"),
    ("[::ffff:127.0.0.1]:40000", "https", "http"),
])
def test_forwarded_proto_is_believed_from_loopback_only(bare_front, client, value, scheme):
    environ = bare_front.environ(FakeScope(headers=[("X-Forwarded-Proto", value)], client=client))
    assert environ["wsgi.url_scheme"] == scheme
    assert environ["REMOTE_ADDR"] == client.rpartition(":")[0].strip("[]") and environ["REMOTE_PORT"] == "40000"


def test_a_field_name_with_an_underscore_is_dropped(bare_front):
    """It would share X-Forwarded-Proto's environ key: a client could pass for the proxy (gunicorn drops it too)."""
    environ = bare_front.environ(FakeScope(headers=[("X_Forwarded_Proto", "https"), ("X-Forwarded-Proto", "http"),
                                                    ("X_Twilio_Signature", "forged")]))
    assert environ["HTTP_X_FORWARDED_PROTO"] == "http" and environ["wsgi.url_scheme"] == "http"
    assert "HTTP_X_TWILIO_SIGNATURE" not in environ


# --- the same request through gunicorn's own code -----------------------------------------------

class _NoSocket:
    def send(self, data):
        return len(data)

    sendall = send


def gunicorn_environ(raw, client=("127.0.0.1", 40000)):
    """gunicorn's request and environ for ``raw``, as cpaas-receiver configures gunicorn (cli.py)."""
    cfg = Config()
    cfg.set("forwarded_allow_ips", "127.0.0.1,::1")
    request = next(RequestParser(cfg, iter([raw]), client))
    _response, environ = gunicorn_wsgi.create(request, _NoSocket(), client, ("127.0.0.1", 8780), cfg)
    return request, environ


COMPARED = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "RAW_URI", "SERVER_PROTOCOL", "CONTENT_TYPE", "CONTENT_LENGTH",
            "REMOTE_ADDR", "wsgi.url_scheme")

RAW_REQUESTS = {
    "form post": b"POST /twilio/voice?leg=a&token=%41b HTTP/1.1\r\nHost: hooks.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 9\r\nX-Twilio-Signature: abc=\r\nUser-Agent: TwilioProxy/1.1\r\n\r\nCallSid=1",
    "repeated fields": b"POST /generic HTTP/1.1\r\nHost: h\r\nX-Leg: a\r\nX-Leg: b\r\nContent-Length: 0\r\n\r\n",
    "utf-8 and pchars": b"GET /cb/%C3%A9t%C3%A9/a%20b/:@!$&'()*+,;=~-._?q=%C3%A9 HTTP/1.1\r\nHost: h\r\nReferer: https://example.com/x\r\n\r\n",
    "http/1.0": b"GET /healthz HTTP/1.0\r\n\r\n",
    "behind https": b"POST /generic HTTP/1.1\r\nHost: hooks.example.com\r\nX-Forwarded-Proto: https\r\nContent-Length: 1\r\n\r\nx",
    "underscore field": b"GET /generic HTTP/1.1\r\nHost: h\r\nX_Forwarded_Proto: https\r\nUser_Agent: forged\r\n\r\n",
    "quotes in atoms": b'GET /q HTTP/1.1\r\nHost: h\r\nUser-Agent: agent "quoted"\r\nReferer: https://e.example/?a="b"\r\n\r\n',
    "escaped specials": b"GET /cb/100%25/a%3Fb%23c%20d HTTP/1.1\r\nHost: h\r\n\r\n",
}
# Where the rebuilt RAW_URI cannot be what the client sent (see the module's docstring): a
# provider that escapes these in a URL it signs would fail the signature check under granian.
KNOWN_DIFFERENT = {
    "escaped slash": b"GET /cb/a%2Fb HTTP/1.1\r\nHost: h\r\n\r\n",
    "escaped pchar": b"GET /cb/a%3Ab%40c HTTP/1.1\r\nHost: h\r\n\r\n",
    "lowercase escape": b"GET /cb/%c3%a9 HTTP/1.1\r\nHost: h\r\n\r\n",
}


def _comparable(environ):
    return {key: value for key, value in environ.items() if key in COMPARED or (key.startswith("HTTP_") and key != "HTTP_COOKIE")}


@pytest.mark.parametrize("name", sorted(RAW_REQUESTS))
def test_the_environ_is_gunicorns_for_the_same_request(bare_front, name):
    raw = RAW_REQUESTS[name]
    _request, expected = gunicorn_environ(raw)
    assert _comparable(bare_front.environ(scope_from_raw(raw))) == _comparable(expected)


@pytest.mark.parametrize("name", sorted(KNOWN_DIFFERENT))
def test_known_differences_in_the_raw_uri(granian_echo, name):
    """Pinned, so that a granian that hands the raw path over shows up here (and docs can drop the caveat)."""
    raw = KNOWN_DIFFERENT[name]
    served = send_raw(granian_echo.port, raw)
    _request, expected = gunicorn_environ(raw)
    assert served["PATH_INFO"] == expected["PATH_INFO"]  # the path the app routes on is the same...
    assert served["RAW_URI"] != expected["RAW_URI"]  # ...the request target is not


class _GunicornResponse:
    def __init__(self, status, sent):
        self.status, self.sent, self.headers = status, sent, []


class _FrozenTime:
    """gunicorn.glogging's ``time`` module, with the clock stopped at WHEN."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def strftime(fmt, when=None):
        return time.strftime(fmt, time.localtime(WHEN) if when is None else when)


def gunicorn_access_line(logger_class, raw, status="200 OK", sent=2):
    """The line gunicorn's own ``Logger.access`` writes for its default format."""
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = logger_class(cfg)
    lines = []
    logger.access_log.info = lambda fmt, atoms: lines.append(fmt % atoms)
    request, environ = gunicorn_environ(raw)
    Logger.access(logger, _GunicornResponse(status, sent), request, environ, datetime.timedelta(microseconds=1500))
    return lines[0]


@pytest.fixture
def frozen_gunicorn_clock(monkeypatch):
    monkeypatch.setattr(glogging, "time", _FrozenTime())


@pytest.mark.parametrize("name", sorted(RAW_REQUESTS))
def test_the_access_line_is_the_one_gunicorns_logger_writes(bare_front, frozen_gunicorn_clock, name):
    raw = RAW_REQUESTS[name]
    environ = bare_front.environ(scope_from_raw(raw))
    ours = access_line(environ, 200, 2, WHEN)
    # gunicorn's own access(): its atoms, its escaping, the receiver's masking (ReceiverLogger.atoms)
    assert ours == gunicorn_access_line(ReceiverLogger, raw)
    if b"?" not in raw and b"Authorization" not in raw:
        assert ours == gunicorn_access_line(Logger, raw)  # nothing to mask: gunicorn's bare logger agrees


SECRET_PASSWORD = "pw-S3cret"  # noqa: S105 - a test value
SECRET_TOKEN = "tok_SECRET_77"  # noqa: S105 - a test value
SECRET_REQUEST = (b"POST /hook?token=" + SECRET_TOKEN.encode() + b"&leg=a HTTP/1.1\r\nHost: h\r\n"
                  b"Authorization: " + basic("bwuser", SECRET_PASSWORD).encode() + b"\r\n"
                  b"Referer: https://u:" + SECRET_PASSWORD.encode() + b"@example.com/?k=" + SECRET_TOKEN.encode() + b"\r\n"
                  b"Content-Length: 0\r\n\r\n")


def test_the_masked_access_line_is_the_one_gunicorn_writes_through_the_receivers_logger(bare_front, frozen_gunicorn_clock):
    environ = bare_front.environ(scope_from_raw(SECRET_REQUEST))
    ours = access_line(environ, 401, 0, WHEN)
    assert ours == gunicorn_access_line(ReceiverLogger, SECRET_REQUEST, status="401 UNAUTHORIZED", sent=0)
    assert '"POST /hook?token=***&leg=*** HTTP/1.1" 401 0 "https://u:***@example.com/?k=***"' in ours and " bwuser " in ours


def test_the_front_logs_each_request_without_its_secrets(receiver_front):
    scope = scope_from_raw(SECRET_REQUEST.replace(b"/hook", b"/bandwidth/voice"))
    response = run(receiver_front, scope, FakeProtocol())
    (line,) = receiver_front.access_log.lines
    assert response[0] == 401 and '"POST /bandwidth/voice?token=***&leg=*** HTTP/1.1" 401 ' in line
    assert " %d " % len(response[2]) in line  # the bytes of the answer's body
    for secret in (SECRET_PASSWORD, SECRET_TOKEN, basic("bwuser", SECRET_PASSWORD).split()[1]):
        assert secret not in line


def test_an_application_that_raises_gets_a_500_a_log_line_and_a_traceback(capsys):
    def failing(environ, start_response):
        raise RuntimeError("the store is gone")

    front = BufferingFront(failing, LIMIT, body_timeout=0.2, threads=1, access_log=ListLog())
    try:
        status, headers, body = run(front, FakeScope("GET", "/generic"), FakeProtocol())
    finally:
        front.pool.shutdown()
    assert (status, body) == (500, b"Internal Server Error") and dict(headers)["Connection"] == "close"
    (line,) = front.access_log.lines
    assert '"GET /generic HTTP/1.1" 500 21 ' in line
    assert "RuntimeError: the store is gone" in capsys.readouterr().err


# --- the body ---------------------------------------------------------------------------------

def test_a_whole_body_is_handed_over(bare_front):
    run(bare_front, FakeScope("POST", headers=[("Content-Length", "6")]), FakeProtocol([b"abc", b"def", b""]))
    (environ,) = bare_front.seen
    assert environ["wsgi.input"].read() == b"abcdef" and environ[FRONT_BODY_SIZE] == 6
    assert FRONT_BODY_INCOMPLETE not in environ and FRONT_BODY_TIMED_OUT not in environ


def test_chunked_wins_over_a_content_length_as_the_app_reads_it(receiver_front):
    # granian accepts both headers (the chunked framing wins, RFC 9112); the front must read
    # the body as far as the app will judge it, or a body cut at the declared length passes as whole.
    both = FakeScope("POST", "/generic", headers=[("Content-Length", "3"), ("Transfer-Encoding", "chunked")])
    response = run(receiver_front, both, FakeProtocol([b"abc", b"def", b"ghi", b""]))
    event = event_of(receiver_front, response)
    assert (response[0], event["verdict"], event["body_text"], event["body_size"]) == (200, "accepted", "abcdefghi", 9)


def test_no_length_and_not_chunked_is_no_body_and_no_read(bare_front):
    protocol = FakeProtocol([b"never read"])
    run(bare_front, FakeScope("POST"), protocol)
    assert not protocol.iterated and bare_front.seen[0]["wsgi.input"].read() == b""


@pytest.mark.parametrize("python", ["3.11+", "3.10"])
def test_a_body_past_the_deadline_is_a_408_and_a_timed_out_record(receiver_front, python, monkeypatch):
    if python == "3.10":  # no asyncio.timeout there: the front falls back to asyncio.wait_for
        monkeypatch.setattr(front, "_TIMEOUT", None)
    protocol = FakeProtocol([b"slow "], stall=True)
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Content-Length", "100")]), protocol)
    assert response[0] == 408 and dict(response[1])["Connection"] == "close"
    event = event_of(receiver_front, response)
    assert (event["verdict"], event["status"], event["body_stored"], event["body_size"]) == ("incomplete", 408, False, 5)
    assert "did not arrive within 0.2 s" in event["checks"]["size"]["detail"]


def test_a_chunk_that_fails_makes_a_chunked_body_incomplete(receiver_front):
    chunked = FakeScope("POST", "/generic", headers=[("Transfer-Encoding", "chunked")])
    response = run(receiver_front, chunked, FakeProtocol([b"0123456789", b"01234", b"", b""]))
    event = event_of(receiver_front, response)
    assert (response[0], event["verdict"], event["body_stored"], event["body_size"]) == (400, "incomplete", False, 15)
    assert "connection failed after 15 bytes" in event["checks"]["size"]["detail"]
    whole = run(receiver_front, chunked, FakeProtocol([b"0123456789", b"01234", b""]))
    event = event_of(receiver_front, whole)
    assert (whole[0], event["verdict"], event["body_text"]) == (200, "accepted", "012345678901234")


def test_a_body_cut_short_of_its_length_is_incomplete(receiver_front):
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Content-Length", "10")]), FakeProtocol([b"abc", b"", b""]))
    event = event_of(receiver_front, response)
    assert (response[0], event["verdict"], event["body_stored"]) == (400, "incomplete", False)
    assert "sent 3 of the 10 bytes" in event["checks"]["size"]["detail"]


def test_a_body_over_the_limit_is_drained_not_kept(receiver_front):
    declared = 3 * LIMIT
    protocol = FakeProtocol([b"A" * LIMIT] * 3 + [b""])
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Content-Length", str(declared))]), protocol)
    assert receiver_front.kept == [b""] and protocol.pulled == 3
    event = event_of(receiver_front, response)
    assert (response[0], event["verdict"], event["body_stored"], event["body_size"]) == (413, "too_large", False, declared)


def test_a_chunked_body_is_read_up_to_the_drain_limit_only(receiver_front):
    endless = FakeProtocol([b"B" * 512] * (4 * DRAIN_FACTOR * LIMIT // 512))
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Transfer-Encoding", "chunked")]), endless)
    assert endless.pulled == DRAIN_FACTOR * LIMIT // 512  # then no more is read
    assert receiver_front.kept == [b"B" * (LIMIT + 1)]  # one byte more than the limit tells it is over
    assert response[0] == 413 and event_of(receiver_front, response)["verdict"] == "too_large"


def test_a_length_over_the_drain_limit_is_not_read_at_all(receiver_front):
    protocol = FakeProtocol([b"C" * LIMIT], stall=True)
    declared = DRAIN_FACTOR * LIMIT + 1
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Content-Length", str(declared))]), protocol)
    assert not protocol.iterated
    event = event_of(receiver_front, response)
    assert (response[0], event["verdict"], event["body_size"]) == (413, "too_large", declared)


def test_a_body_at_the_drain_limit_is_read(receiver_front):
    protocol = FakeProtocol([b"C" * LIMIT] * DRAIN_FACTOR + [b""])
    response = run(receiver_front, FakeScope("POST", "/generic", headers=[("Content-Length", str(DRAIN_FACTOR * LIMIT))]), protocol)
    assert protocol.pulled == DRAIN_FACTOR and response[0] == 413


def test_flask_gets_a_chunked_body_whole(receiver_front):
    """The API is Flask's: werkzeug reads a body without a length only from a terminated stream."""
    scope = FakeScope("POST", "/api/endpoints", headers=[("Transfer-Encoding", "chunked"), ("Content-Type", "application/json"),
                                                         ("Authorization", bearer()["Authorization"])])
    response = run(receiver_front, scope, FakeProtocol([b'{"path": "/later", ', b'"provider": "generic"}', b""]))
    assert response[0] == 201, response[2]


# --- granian itself -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def granian_echo(tmp_path_factory):
    """front_echo.py served by granian on a free loopback port: (port, access log path)."""
    workdir = tmp_path_factory.mktemp("granian-echo")
    port, log = free_port(), workdir / "access.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))
    with open(workdir / "granian.out", "wb") as out:
        proc = subprocess.Popen([sys.executable, str(HERE / "front_echo.py"), str(port), str(LIMIT), str(log)],
                                cwd=str(HERE), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("granian did not start:\n" + (workdir / "granian.out").read_text()) from None
                time.sleep(0.1)
        yield types.SimpleNamespace(port=port, log=log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def send_raw(port, raw):
    """One request on its own connection; the answer's body (the environ the front built)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n", 1))
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _sep, body = answer.partition(b"\r\n\r\n")
    assert head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")), answer[:300]
    return json.loads(body)


@pytest.mark.parametrize("name", sorted(RAW_REQUESTS))
def test_granian_and_the_front_build_gunicorns_environ(granian_echo, name):
    raw = RAW_REQUESTS[name]
    served = send_raw(granian_echo.port, raw)
    _request, expected = gunicorn_environ(raw.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n", 1))
    assert _comparable(served) == _comparable(expected)
    assert served["body"] == raw.split(b"\r\n\r\n", 1)[1].decode("latin-1")


def test_granian_cookies_and_its_access_log(granian_echo, monkeypatch):
    served = send_raw(granian_echo.port, b"GET /c?x=1 HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nCookie: b=2\r\nUser-Agent: probe\r\n\r\n")
    assert served["HTTP_COOKIE"] == "a=1; b=2"
    deadline = time.monotonic() + 10
    while "GET /c?x=*** " not in granian_echo.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    line = [entry for entry in granian_echo.log.read_text().splitlines() if "GET /c?x=***" in entry][-1]
    # the same line, but for the time it was written at, as gunicorn's own logger writes it
    stamp = line.split("[", 1)[1].split("]", 1)[0]
    when = datetime.datetime.strptime(stamp, "%d/%b/%Y:%H:%M:%S %z").timestamp()
    monkeypatch.setattr(glogging, "time", types.SimpleNamespace(strftime=lambda fmt: time.strftime(fmt, time.localtime(when))))
    raw = b"GET /c?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\nCookie: a=1\r\nCookie: b=2\r\nUser-Agent: probe\r\n\r\n"
    sent = len(json.dumps(served).encode())
    assert line == gunicorn_access_line(ReceiverLogger, raw, sent=sent)
