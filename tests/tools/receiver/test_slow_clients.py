"""Slow and broken clients against the real command on loopback, on both of its servers
(granian behind the buffering front, and gunicorn's threaded workers).

A receiver on the internet meets clients that send their headers and then trickle the
body, and clients that go away in the middle of it. Neither may keep the others from
being answered, and neither may be recorded as an accepted event with half a body.
Every loop here is bounded in count and time; the only time limits are generous
request timeouts (a starved receiver does not answer at all).
"""

from __future__ import annotations

import socket
import threading
import time

import requests

from .conftest import bearer

TRICKLERS = 50
DECLARED = 4096          # the body each trickler announces and never finishes
TRICKLE_FOR = 20.0       # seconds at most that the tricklers keep going, whatever happens
ANSWER_WITHIN = 10       # requests timeout: generous, a starved receiver never answers


def _open_trickler(port, path="/generic"):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                 % (path.encode(), DECLARED) + b"x")
    return sock


def _trickle(sockets, stop):
    deadline = time.monotonic() + TRICKLE_FOR
    while not stop.is_set() and time.monotonic() < deadline:
        for sock in sockets:
            try:
                sock.sendall(b"x")
            except OSError:
                pass
        stop.wait(0.5)


def _events(served, **params):
    return requests.get(served.url + "/api/events", params=dict(params, limit=1000), headers=bearer(), timeout=ANSWER_WITHIN).json()["events"]


def test_fifty_trickling_clients_do_not_starve_a_normal_callback(served_receiver, server):
    served = served_receiver(server=server)
    sockets = [_open_trickler(served.port) for _number in range(TRICKLERS)]
    stop = threading.Event()
    trickler = threading.Thread(target=_trickle, args=(sockets, stop))
    trickler.start()
    try:
        time.sleep(1.0)  # let the receiver take every trickling connection in
        health = requests.get(served.url + "/healthz", timeout=ANSWER_WITHIN)
        assert health.status_code == 200
        answered = requests.post(served.url + "/generic", data=b"a normal callback", timeout=ANSWER_WITHIN)
        assert answered.status_code == 200
        event = requests.get(served.url + "/api/events/%s" % answered.headers["X-Receiver-Event-Id"], headers=bearer(),
                             timeout=ANSWER_WITHIN).json()
        assert (event["verdict"], event["body_text"]) == ("accepted", "a normal callback")
    finally:
        stop.set()
        trickler.join(timeout=30)
        for sock in sockets:
            sock.close()
    # The tricklers went away mid-body: each is recorded as incomplete, never accepted.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(_events(served, verdict="incomplete")) < TRICKLERS:
        time.sleep(0.2)
    incomplete = _events(served, verdict="incomplete")
    assert len(incomplete) == TRICKLERS
    assert [e for e in _events(served) if e["verdict"] == "accepted"] == [event_summary(event)]


def event_summary(event):
    return {key: value for key, value in event.items() if key not in ("headers", "body_base64", "body_text")}


def _raw_request(port, head, body_part):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(head + body_part)
    time.sleep(0.3)
    sock.close()


def _wait_for_event(served, count=1):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        events = _events(served)
        if len(events) >= count:
            return events
        time.sleep(0.1)
    raise AssertionError("the receiver recorded %d event(s), expected %d" % (len(_events(served)), count))


def test_a_client_disconnecting_mid_body_is_recorded_as_incomplete(served_receiver, server):
    served = served_receiver(server=server)
    _raw_request(served.port, b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n",
                 b"half" * 50)
    (event,) = _wait_for_event(served)
    detail = requests.get(served.url + "/api/events/%d" % event["id"], headers=bearer(), timeout=ANSWER_WITHIN).json()
    assert detail["verdict"] == "incomplete"
    assert detail["status"] == 400
    assert detail["body_stored"] is False and detail["body_text"] == ""
    assert detail["body_size"] == 200
    assert detail["checks"]["size"]["ok"] is False and "1000" in detail["checks"]["size"]["detail"]


def test_a_chunked_body_cut_off_is_recorded_as_incomplete(served_receiver, server):
    served = served_receiver(server=server)
    _raw_request(served.port, b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
                 b"10\r\n0123456789abcdef\r\n10\r\n01234")
    (event,) = _wait_for_event(served)
    detail = requests.get(served.url + "/api/events/%d" % event["id"], headers=bearer(), timeout=ANSWER_WITHIN).json()
    assert detail["verdict"] == "incomplete"
    assert detail["body_stored"] is False and detail["body_text"] == ""
    assert "ended before it was complete" in detail["checks"]["size"]["detail"]
    if server == "granian":
        assert detail["body_size"] == 21  # the front counts every byte that arrived
    else:
        # gunicorn drops the chunks of a read that fails: the size is a lower bound (documented)
        assert 0 <= detail["body_size"] <= 21


def test_a_complete_body_after_a_slow_start_is_accepted(served_receiver, server):
    """The cut-off is for bodies that never end, not for a client that pauses a little."""
    served = served_receiver(server=server)
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    try:
        sock.sendall(b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\nConnection: close\r\n\r\nab")
        time.sleep(0.5)
        sock.sendall(b"cdef")
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 200")
    (event,) = _wait_for_event(served)
    detail = requests.get(served.url + "/api/events/%d" % event["id"], headers=bearer(), timeout=ANSWER_WITHIN).json()
    assert (detail["verdict"], detail["body_text"]) == ("accepted", "abcdef")


def test_a_body_slower_than_the_body_timeout_is_refused_408_and_recorded(served_receiver, server):
    served = served_receiver(extra_args=["--body-timeout", "1"], server=server)
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    answer = b""
    try:
        sock.sendall(b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nslow")
        for _tick in range(20):  # at most 10 s of trickling; the receiver gives up after 1 s
            time.sleep(0.5)
            try:
                sock.sendall(b"x")
            except OSError:
                break
            sock.settimeout(0.01)
            try:
                answer += sock.recv(4096)
            except (TimeoutError, OSError):
                pass
            sock.settimeout(10)
            if answer:
                break
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    (event,) = _wait_for_event(served)
    assert (event["verdict"], event["status"], event["body_stored"]) == ("incomplete", 408, False)
