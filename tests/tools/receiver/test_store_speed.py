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
import requests

from cpaas_receiver import verification
from cpaas_receiver.config import Endpoint
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


def test_many_threads_each_get_the_id_of_their_own_event_and_commits_never_overlap():
    """Leader hand-over under contention: no thread is left waiting, no event is written twice
    or under another thread's id, and one commit runs at a time."""
    running, overlaps, written = [0], [], []
    guard = threading.Lock()

    def write(rows):
        with guard:
            running[0] += 1
            if running[0] > 1:
                overlaps.append(running[0])
        time.sleep(0.001 * (len(written) % 3))  # commits of varying length
        with guard:
            start = len(written)
            written.extend(rows)
            running[0] -= 1
        return [start + index for index in range(len(rows))]

    committer = GroupCommit(write)
    results, failures = {}, []

    def submit(thread_number):
        try:
            for number in range(20):
                key = (thread_number, number)
                results[key] = committer.submit(key)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not [thread for thread in threads if thread.is_alive()], "a thread was left waiting for its commit"
    assert not failures and not overlaps
    assert len(written) == 32 * 20 == len(set(written))
    assert all(written[event_id] == key for key, event_id in results.items())
    assert committer._pending == [] and committer._writing is False


def test_a_batch_larger_than_one_statement_is_one_transaction(tmp_path, monkeypatch):
    from cpaas_receiver import store as store_module

    monkeypatch.setattr(store_module, "MAX_ROWS_PER_INSERT", 7)
    store = Store(str(tmp_path / "events.db"))
    store.add_event(_event(0))
    store.clear_events()  # ids go on after deleted ones (AUTOINCREMENT): still consecutive in a batch
    rows = [store_module.event_values(_event(number)) for number in range(1, 20)]
    ids = store._write_events(rows)
    assert ids == list(range(2, 21))
    assert [store.get_event(event_id)["body"] for event_id in ids] == [b"event-%d" % number for number in range(1, 20)]
    # a row that cannot be stored in the third statement: nothing of the batch is kept
    broken = [store_module.event_values(_event(number)) for number in range(100, 119)]
    broken[16] = (None,) * len(broken[16])
    with pytest.raises(sqlite3.IntegrityError):
        store._write_events(broken)
    assert store.count_events() == 19
    assert store._write_events(rows[:3]) == [21, 22, 23]  # the rolled-back ids are handed out again
    assert store.get_event(23)["body"] == b"event-3" and store.count_events() == 22


def test_an_endpoint_changed_by_one_process_is_seen_at_once_by_another(tmp_path, monkeypatch):
    """Endpoints added through the API are remembered per process (no query per callback),
    and a change made by any other process (another worker) is seen at the next lookup."""
    path = str(tmp_path / "events.db")
    writer, reader = Store(path), Store(path)  # two workers: each its own memory
    writer.add_endpoint(Endpoint(path="/a", username="u", password="one", source="api"))
    assert verification.check_password("one", reader.get_endpoint("/a").password_hash)
    assert reader.get_endpoint("/b") is None

    def no_query():
        raise AssertionError("the lookup queried the database")

    with monkeypatch.context() as patch:  # remembered: no query while nothing changed
        patch.setattr(reader, "_conn", no_query)
        assert reader.get_endpoint("/a").path == "/a" and reader.get_endpoint("/b") is None
    writer.remove_endpoint("/a")
    assert reader.get_endpoint("/a") is None
    writer.add_endpoint(Endpoint(path="/a", username="u", password="two", source="api"))
    assert verification.check_password("two", reader.get_endpoint("/a").password_hash)
    assert not verification.check_password("one", reader.get_endpoint("/a").password_hash)
    writer.add_endpoint(Endpoint(path="/b", source="api"))
    assert reader.get_endpoint("/b").path == "/b"
    with pytest.raises(Exception, match="/b"):
        writer.add_endpoint(Endpoint(path="/b", source="api"))  # taken: refused, and nothing goes stale
    assert reader.get_endpoint("/b").username is None


def test_an_endpoint_removed_through_the_api_is_refused_by_every_worker_at_once(served_receiver):
    served = served_receiver()
    added = requests.post(served.url + "/api/endpoints", headers=bearer(), timeout=10,
                          json={"path": "/added", "provider": "generic", "basic_auth": {"username": "u", "password": "p"}})
    assert added.status_code == 201
    for _number in range(20):  # new connections: both workers answer, and remember the endpoint
        assert requests.post(served.url + "/added", data=b"x", headers={"Authorization": basic("u", "p")}, timeout=10).status_code == 200
    assert requests.delete(served.url + "/api/endpoints/added", headers=bearer(), timeout=10).status_code in (200, 204)
    statuses = {requests.post(served.url + "/added", data=b"x", headers={"Authorization": basic("u", "p")}, timeout=10).status_code
                for _number in range(20)}
    assert statuses == {404}
