"""Receiver durability: SIGKILL under load loses no event that was answered 2xx.

The receiver runs as the role deploys it (two worker processes), on each server (granian, the default,
and gunicorn's threaded workers) and each store:
SQLite in WAL mode with synchronous=FULL (group commit), and PostgreSQL (a throwaway server). Eight clients post events on loopback; once a few hundred
have been answered, the whole receiver (main process and workers) is killed with SIGKILL,
mid-request. After a restart on the same database, every event whose client got a 2xx
answer must be there, with its body, under the id the answer named.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests

from .receiver_process import ReceiverProcess

ADMIN = "durability-admin-token"
CLIENTS = 8
KILL_AFTER = 300        # answered events before the kill
MAX_REQUESTS = 5000     # bounds of the load, whatever happens
MAX_SECONDS = 30
CONFIG = {
    "admin_token": ADMIN,
    "endpoints": [
        {"path": "/generic", "provider": "generic", "methods": ["POST"]},
        {"path": "/hooks/secured", "provider": "generic", "methods": ["POST"], "basic_auth": {"username": "hook", "password": "durable-pass"}},
    ],
}


@pytest.fixture(params=["granian", "gunicorn"])
def receiver(request, tmp_path, database):
    process = ReceiverProcess(tmp_path / "receiver", CONFIG, database=database, server=request.param).start()
    yield process
    process.kill()


def _load(url, answered, stop, counter, lock):
    session = requests.Session()
    while not stop.is_set():
        with lock:
            if counter[0] >= MAX_REQUESTS:
                return
            counter[0] += 1
            number = counter[0]
        body = "durable-event-%06d" % number
        secured = number % 2 == 0
        try:
            response = session.post(url + ("/hooks/secured" if secured else "/generic"), data=body.encode(),
                                    auth=("hook", "durable-pass") if secured else None, timeout=5)
        except requests.RequestException:
            continue  # no answer: the client cannot know; not counted
        if 200 <= response.status_code < 300:
            with lock:
                answered.append((int(response.headers["X-Receiver-Event-Id"]), body))


def _all_events(url):
    events, after = [], 0
    while True:
        page = requests.get(url + "/api/events", params={"after_id": after, "limit": 1000},
                            headers={"Authorization": "Bearer " + ADMIN}, timeout=10).json()["events"]
        if not page:
            return events
        events.extend(page)
        after = max(event["id"] for event in page)


def test_every_answered_event_survives_a_sigkill_under_load(receiver):
    answered, stop, counter, lock = [], threading.Event(), [0], threading.Lock()
    clients = [threading.Thread(target=_load, args=(receiver.url, answered, stop, counter, lock)) for _client in range(CLIENTS)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + MAX_SECONDS
    while len(answered) < KILL_AFTER and time.monotonic() < deadline and counter[0] < MAX_REQUESTS:
        time.sleep(0.01)
    receiver.kill()            # SIGKILL while the clients are still sending
    stop.set()
    for client in clients:
        client.join(timeout=30)
    assert len(answered) >= KILL_AFTER, "the load never reached %d answered events (got %d)" % (KILL_AFTER, len(answered))

    receiver.start()
    stored = {event["id"]: event for event in _all_events(receiver.url)}

    missing = [(event_id, body) for event_id, body in answered if event_id not in stored]
    assert not missing, "%d answered events are lost after the SIGKILL, e.g. %r" % (len(missing), missing[:5])
    assert all(stored[event_id]["verdict"] == "accepted" for event_id, _body in answered)
    session = requests.Session()
    for event_id, body in answered:
        detail = session.get("%s/api/events/%d" % (receiver.url, event_id), headers={"Authorization": "Bearer " + ADMIN}, timeout=10).json()
        assert detail["body_text"] == body, "event %d holds another body" % event_id
    # The receiver still works after the crash.
    after = requests.post(receiver.url + "/generic", data=b"after-restart", timeout=10)
    assert after.status_code in (200, 204)
