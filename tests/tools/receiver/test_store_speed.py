"""What makes the receiver fast, checked for what it must keep: the group commit (events
handed in during a commit are written together, each thread gets its own id, a failed
commit fails every event in it) and the remembered password of endpoints added through
the API (one PBKDF2 per password, a wrong password still refused, no password kept).
No timings are asserted: ``make bench`` measures the speed."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from cpaas_receiver import verification
from cpaas_receiver.store import GroupCommit, Store

from .conftest import basic, bearer

THREADS = 10


def _event(number):
    return {"method": "POST", "path": "/generic", "verdict": "accepted", "status": 200, "body": b"event-%d" % number}


def test_events_handed_in_during_a_commit_share_the_next_one():
    batches, first_started, release = [], threading.Event(), threading.Event()
    committer = None

    def write(rows):
        batches.append(list(rows))
        if len(batches) == 1:
            first_started.set()
            release.wait(10)  # hold the first commit until the others have handed theirs in
        return [100 * len(batches) + index for index in range(len(rows))]

    committer = GroupCommit(write)
    results = {}

    def submit(number):
        results[number] = committer.submit(("row", number))

    threads = [threading.Thread(target=submit, args=(0,))]
    threads[0].start()
    assert first_started.wait(10)
    threads += [threading.Thread(target=submit, args=(number,)) for number in range(1, THREADS)]
    for thread in threads[1:]:
        thread.start()
    deadline = time.monotonic() + 10
    while len(committer._pending) < THREADS - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert [len(batch) for batch in batches] == [1, THREADS - 1]
    assert sorted(results.values()) == [100] + [200 + index for index in range(THREADS - 1)]
    assert {row[1] for row in batches[1]} == set(range(1, THREADS))


def test_a_failed_commit_fails_every_event_in_it_and_the_next_commit_works():
    calls = []

    def write(rows):
        calls.append(len(rows))
        if len(calls) == 1:
            raise sqlite3.OperationalError("disk I/O error")
        return list(range(len(rows)))

    committer = GroupCommit(write)
    with pytest.raises(sqlite3.OperationalError):
        committer.submit(("row", 1))
    assert committer.submit(("row", 2)) == 0


def test_concurrent_events_are_all_stored_once_under_their_own_ids(tmp_path):
    store = Store(str(tmp_path / "events.db"))
    ids, lock = [], threading.Lock()

    def add(start):
        for number in range(start, start + 50):
            event_id = store.add_event(_event(number))
            with lock:
                ids.append((event_id, number))

    threads = [threading.Thread(target=add, args=(1000 * index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(ids) == 400 and len({event_id for event_id, _number in ids}) == 400
    for event_id, number in ids:
        assert store.get_event(event_id)["body"] == b"event-%d" % number
    # committed: another connection (another worker) sees every event
    with sqlite3.connect(str(tmp_path / "events.db")) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 400


def test_an_api_endpoint_password_costs_one_pbkdf2_and_a_wrong_one_is_still_refused(receiver, monkeypatch):
    created = receiver.client.post("/api/endpoints", headers=bearer(),
                                   json={"path": "/added", "provider": "generic", "basic_auth": {"username": "u", "password": "right-pass"}})
    assert created.status_code == 201
    calls = []
    real = verification.hashlib.pbkdf2_hmac

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(verification.hashlib, "pbkdf2_hmac", counting)
    for _number in range(20):
        assert receiver.client.post("/added", data=b"x", headers={"Authorization": basic("u", "right-pass")}).status_code == 200
    assert len(calls) == 1
    for _number in range(3):
        wrong = receiver.client.post("/added", data=b"x", headers={"Authorization": basic("u", "wrong-pass")})
        assert wrong.status_code == 401
    assert len(calls) == 4  # a wrong password is never remembered
    assert b"right-pass" not in b"".join(verification._VERIFIED)
    # another endpoint with another stored hash does not inherit the verification
    receiver.client.post("/api/endpoints", headers=bearer(),
                         json={"path": "/other", "provider": "generic", "basic_auth": {"username": "u", "password": "other-pass"}})
    assert receiver.client.post("/other", data=b"x", headers={"Authorization": basic("u", "right-pass")}).status_code == 401
