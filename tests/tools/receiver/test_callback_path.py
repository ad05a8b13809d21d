"""Callbacks are answered in front of Flask (app.CallbackDispatcher) and logged by the
receiver's own access-log line builder: what a user sees must not change with it.

A callback opens no web-page session and still gets the security headers; a failing store
is a logged 500, never an answer that claims the event was recorded; the receiver's own
paths are still Flask's; an answer goes out exactly as werkzeug would send it. The access log line is the one gunicorn itself writes for its
default format (gunicorn's own escaping, the receiver's masking)."""

from __future__ import annotations

import sqlite3

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from cpaas_receiver.accesslog import ReceiverLogger
from cpaas_receiver.app import send_answer
from cpaas_receiver.config import config_from_dict
from cpaas_receiver.responses import answer, refused
from cpaas_receiver.verification import Outcome

from .conftest import ENDPOINTS, base_config, basic, bearer


def test_a_callback_opens_no_session_and_keeps_the_security_headers(receiver, monkeypatch):
    opened = []
    real = receiver.app.session_interface.open_session

    def recording(app, request):
        opened.append(request.path)
        return real(app, request)

    monkeypatch.setattr(receiver.app.session_interface, "open_session", recording)
    answer = receiver.client.post("/bandwidth/voice", json={}, headers={"Authorization": basic("bwuser", "bw-pass")})
    assert answer.status_code == 200
    assert answer.headers["X-Content-Type-Options"] == "nosniff" and answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in answer.headers and "Cookie" not in answer.headers.get("Vary", "")
    assert receiver.event(int(answer.headers["X-Receiver-Event-Id"]))["verdict"] == "accepted"
    refused = receiver.client.post("/bandwidth/voice", json={})
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    unknown = receiver.client.get("/nowhere")
    assert unknown.status_code == 404 and receiver.event(int(unknown.headers["X-Receiver-Event-Id"]))["verdict"] == "unexpected"
    assert opened and all(path.startswith("/api/") for path in opened)  # the API's requests only


def test_a_store_that_fails_is_a_logged_500_and_no_event_id(receiver, monkeypatch, caplog):
    def broken(_event):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(receiver.app.store, "add_event", broken)
    answer = receiver.client.post("/generic", data=b"x")
    assert answer.status_code == 500
    assert "X-Receiver-Event-Id" not in answer.headers and answer.headers["X-Content-Type-Options"] == "nosniff"
    assert any("Exception on /generic [POST]" in record.getMessage() and record.exc_info for record in caplog.records)


def test_the_receivers_own_paths_are_still_flask(receiver):
    assert receiver.client.get("/healthz").get_json() == {"status": "ok"}
    missing = receiver.client.get("/api/nothing-here", headers=bearer())
    assert missing.status_code == 404 and missing.is_json
    assert receiver.client.get("/api/events", headers=bearer()).get_json()["events"] == []  # nothing recorded


class _Response:
    status = "401 UNAUTHORIZED"
    sent = 0
    headers = [("Content-Type", "text/plain"), ("Set-Cookie", "s=secret-cookie")]


ENVIRON = {
    "REQUEST_METHOD": "POST", "RAW_URI": "/hook?token=tok_SECRET&leg=a", "PATH_INFO": "/hook", "QUERY_STRING": "token=tok_SECRET&leg=a",
    "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": 'agent "quoted"',
    "HTTP_REFERER": "https://u:pw-SECRET@example.com/?k=tok_SECRET", "HTTP_AUTHORIZATION": "Basic dXNlcjpwdy1TRUNSRVQ=",
}


def _lines(logger_class, access_log_format=None):
    cfg = Config()
    cfg.set("accesslog", "-")
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    logger = logger_class(cfg)
    lines = []
    logger.access_log.info = lambda fmt, atoms: lines.append(fmt % atoms)
    logger.now = lambda: "[28/Nov/2026:12:00:00 +0000]"
    logger.access(_Response(), _Request(), dict(ENVIRON), _Duration())
    return lines


class _Request:
    headers = [("USER-AGENT", ENVIRON["HTTP_USER_AGENT"]), ("REFERER", ENVIRON["HTTP_REFERER"]),
               ("AUTHORIZATION", ENVIRON["HTTP_AUTHORIZATION"])]


class _Duration:
    seconds, microseconds = 0, 1500


def test_the_access_log_line_is_gunicorns_own_for_its_default_format(monkeypatch):
    # gunicorn's own path (every atom, its SafeAtoms escaping) with the receiver's masked atoms
    monkeypatch.setattr(ReceiverLogger, "access", Logger.access)
    gunicorns = _lines(ReceiverLogger)
    monkeypatch.undo()
    ours = _lines(ReceiverLogger)
    assert ours == gunicorns
    assert ours == ['127.0.0.1 - user [28/Nov/2026:12:00:00 +0000] "POST /hook?token=***&leg=*** HTTP/1.1" 401 0 '
                    '"https://u:***@example.com/?k=***" "agent \\"quoted\\""']


@pytest.mark.parametrize("access_log_format", ['%(r)s %(q)s %({authorization}i)s %(f)s'])
def test_another_access_log_format_still_gets_every_atom_masked(access_log_format):
    line = _lines(ReceiverLogger, access_log_format)[0]
    assert "SECRET" not in line
    assert line.startswith("POST /hook?token=***&leg=*** HTTP/1.1 token=***&leg=***")


def test_the_url_a_provider_called_follows_each_requests_own_scheme_and_host(receiver):
    """The host part of the URL (what Twilio and Vobiz sign) is remembered per scheme and host:
    a request never gets another one's, however many hosts were seen."""
    def url_of(base_url, host):
        answer = receiver.client.post("/generic?x=1", data=b"x", base_url=base_url, headers={"Host": host})
        return receiver.event(int(answer.headers["X-Receiver-Event-Id"]))["url"]

    assert url_of("http://localhost", "a.example") == "http://a.example/generic?x=1"
    assert url_of("https://localhost", "a.example") == "https://a.example/generic?x=1"
    assert url_of("http://localhost", "b.example:8080") == "http://b.example:8080/generic?x=1"
    for number in range(300):  # more hosts than are remembered
        receiver.client.post("/generic", data=b"x", headers={"Host": "h%d.example" % number})
    assert url_of("http://localhost", "a.example") == "http://a.example/generic?x=1"
    assert url_of("http://localhost", "h299.example") == "http://h299.example/generic?x=1"


def _sent(send, make_response, method):
    environ = EnvironBuilder(path="/x", method=method).get_environ()
    started = []
    body = b"".join(send(make_response(), environ, lambda status, headers, exc_info=None: started.append((status, list(headers)))))
    return started, body


STATUSES = [("accepted", 200), ("too_large", 413), ("incomplete", 400), ("incomplete", 408), ("method_not_allowed", 405),
            ("unauthorized", 401), ("bad_signature", 403)]


@pytest.mark.parametrize("method", ["POST", "GET", "HEAD"])
def test_every_callback_answer_is_sent_as_werkzeug_sends_it(method):
    """send_answer against werkzeug's own Response.__call__, for every answer of every
    configured kind of endpoint, every refusal, and the odd answers that go back to werkzeug."""
    config = config_from_dict(base_config(endpoints=[dict(e) for e in ENDPOINTS] + [
        {"path": "/bandwidth/status", "provider": "bandwidth", "kind": "status"}]), environ={})
    makers = [lambda: refused(Outcome("unexpected", 404, {}))]
    for endpoint in config.endpoints:
        for verdict, status in STATUSES:
            makers.append(lambda endpoint=endpoint, verdict=verdict, status=status: answer(Outcome(verdict, status, {}), endpoint))
    makers += [lambda: Response(status=204), lambda: Response("", status=204), lambda: Response("x", status=302, headers={"Location": "/elsewhere"}),
               lambda: Response(iter([b"streamed"]), status=200), lambda: Response("", status=304)]
    for make in makers:
        assert _sent(send_answer, make, method) == _sent(lambda response, environ, start: response(environ, start), make, method)
