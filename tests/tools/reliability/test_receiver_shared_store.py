"""Two receivers on one PostgreSQL database: SIGKILL one under load, the other has it all.

Both receivers run as the role deploys them (granian, two worker processes each) on the
same database, as they would behind a load balancer. Eight clients post events to
both, alternately; once a few hundred have been answered, one receiver (main process and
workers) is killed with SIGKILL mid-request while the clients keep sending to both.
Then, through the survivor's API alone, every event a client got a 2xx answer for
(from either receiver) must be there exactly once, with its body, under the id the
answer named.
"""

from __future__ import annotations

import collections
import threading
import time

import pytest
import requests

from .receiver_process import ReceiverProcess

ADMIN = "shared-store-admin-token"
CLIENTS = 8
KILL_AFTER = 300          # answered events before the kill
MORE_AFTER_KILL = 100     # answered by the survivor after the kill
MAX_REQUESTS = 5000       # bounds of the load, whatever happens
MAX_SECONDS = 60
CONFIG = {"admin_token": ADMIN, "endpoints": [{"path": "/generic", "provider": "generic", "methods": ["POST"]}]}
HEADERS = {"Authorization": "Bearer " + ADMIN}


@pytest.fixture
def receivers(tmp_path, postgres_server):
    database = postgres_server.new_database()
    started = []
    try:
        for name in ("a", "b"):
            started.append(ReceiverProcess(tmp_path / name, CONFIG, database=database).start())
        yield started
    finally:
        for process in started:
            process.kill()


def _load(urls, answered, stop, counter, lock):
    session = requests.Session()
    while not stop.is_set():
        with lock:
            if counter[0] >= MAX_REQUESTS:
                return
            counter[0] += 1
            number = counter[0]
        body = "shared-event-%06d" % number
        url = urls[number % 2]
        try:
            response = session.post(url + "/generic", data=body.encode(), timeout=5)
        except requests.RequestException:
            continue  # no answer (the killed receiver): the client cannot know; not counted
        if 200 <= response.status_code < 300:
            with lock:
                answered.append((int(response.headers["X-Receiver-Event-Id"]), body, url))


def _all_events(url):
    events, after = [], 0
    for _page in range(MAX_REQUESTS // 500 + 2):  # bounded: pages of 500 over at most MAX_REQUESTS events
        page = requests.get(url + "/api/events", params={"after_id": after, "limit": 500}, headers=HEADERS, timeout=10).json()["events"]
        if not page:
            return events
        events.extend(page)
        after = max(event["id"] for event in page)
    raise AssertionError("more pages than events: after_id paging does not move forward")


def test_two_receivers_on_one_database_lose_nothing_when_one_is_killed(receivers):
    killed, survivor = receivers
    answered, stop, counter, lock = [], threading.Event(), [0], threading.Lock()
    clients = [threading.Thread(target=_load, args=([killed.url, survivor.url], answered, stop, counter, lock)) for _n in range(CLIENTS)]
    for client in clients:
        client.start()
    deadline = time.monotonic() + MAX_SECONDS
    while len(answered) < KILL_AFTER and time.monotonic() < deadline and counter[0] < MAX_REQUESTS:
        time.sleep(0.01)
    killed_url = killed.url
    killed.kill()              # SIGKILL while the clients are still sending to both
    before_kill = len(answered)
    while len(answered) < before_kill + MORE_AFTER_KILL and time.monotonic() < deadline and counter[0] < MAX_REQUESTS:
        time.sleep(0.01)
    stop.set()
    for client in clients:
        client.join(timeout=30)
    by_receiver = collections.Counter(url for _id, _body, url in answered)
    assert by_receiver[killed_url] >= KILL_AFTER // 3, "the killed receiver answered too little of the load: %r" % by_receiver
    assert by_receiver[survivor.url] >= KILL_AFTER // 3 + MORE_AFTER_KILL // 2, by_receiver

    stored = _all_events(survivor.url)
    ids = [event["id"] for event in stored]
    assert len(ids) == len(set(ids)), "the API listed an event twice"
    assert ids == sorted(ids)
    id_set = set(ids)
    answered_body = {event_id: body for event_id, body, _url in answered}
    assert len(answered_body) == len(answered), "two answers named the same event id"
    session = requests.Session()
    bodies = collections.Counter()
    for event_id in ids:
        detail = session.get("%s/api/events/%d" % (survivor.url, event_id), headers=HEADERS, timeout=10).json()
        bodies[detail["body_text"]] += 1
        if event_id in answered_body:
            assert detail["body_text"] == answered_body[event_id], "event %d holds another body" % event_id

    missing = [(event_id, body) for event_id, body in answered_body.items() if event_id not in id_set]
    assert not missing, "%d answered events are not in the survivor's store, e.g. %r" % (len(missing), missing[:5])
    twice = [body for body in answered_body.values() if bodies[body] != 1]
    assert not twice, "answered events stored more than once: %r" % twice[:5]
