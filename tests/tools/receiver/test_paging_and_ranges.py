"""Paging through events, numbers and dates out of range, bodies the page must still show."""

from __future__ import annotations

import pytest

from .conftest import bearer


def send_burst(receiver, count):
    return [int(receiver.client.post("/generic", data=b"n=%d" % n).headers["X-Receiver-Event-Id"]) for n in range(count)]


def test_paging_forward_returns_every_event_once_in_order(receiver):
    ids = send_burst(receiver, 250)
    seen, after = [], 0
    while True:
        page = receiver.client.get("/api/events?after_id=%d&limit=100" % after, headers=bearer()).get_json()["events"]
        if not page:
            break
        assert len(page) <= 100
        seen.extend(e["id"] for e in page)
        after = page[-1]["id"]
    assert seen == ids


def test_after_id_gives_the_events_right_after_it(receiver):
    ids = send_burst(receiver, 30)
    page = receiver.client.get("/api/events?after_id=%d&limit=5" % ids[9], headers=bearer()).get_json()
    assert [e["id"] for e in page["events"]] == ids[10:15]
    newest = receiver.client.get("/api/events?limit=3", headers=bearer()).get_json()
    assert [e["id"] for e in newest["events"]] == ids[-1:-4:-1]  # without after_id: newest first, as before


def test_ui_feed_pages_forward_and_says_when_more_waits(receiver):
    ids = send_burst(receiver, 150)
    first = receiver.client.get("/ui/events.json?after_id=0", headers=bearer()).get_json()
    assert [e["id"] for e in first["events"]] == ids[:100] and first["more"] is True
    second = receiver.client.get("/ui/events.json?after_id=%d" % ids[99], headers=bearer()).get_json()
    assert [e["id"] for e in second["events"]] == ids[100:] and second["more"] is False


@pytest.mark.parametrize("query", [
    "after_id=99999999999999999999999", "after_id=-1", "after_id=9223372036854775808", "after_id=1.5", "after_id=%E0%A5%AB",
    "after_id=1_000", "after_id=", "limit=0", "limit=1001", "limit=99999999999999999999999", "limit=-5", "limit=" + "9" * 5000,
    "since=0001-01-01T00:00:00%2B05:00", "since=9999-12-31T23:59:59-05:00", "since=yesterday",
])
def test_out_of_range_api_parameters_are_400(receiver, query):
    receiver.client.post("/generic", data=b"x")
    response = receiver.client.get("/api/events?" + query, headers=bearer())
    assert response.status_code == 400
    message = response.get_json()["error"]
    assert query.split("=")[0] in message


def test_in_range_extremes_are_answered(receiver):
    receiver.client.post("/generic", data=b"x")
    for query in ("after_id=9223372036854775807", "after_id=0", "since=0001-01-01T00:00:00-05:00", "since=9999-12-31T23:59:59%2B05:00"):
        assert receiver.client.get("/api/events?" + query, headers=bearer()).status_code == 200, query


@pytest.mark.parametrize("path", ["/api/events/99999999999999999999999", "/api/events/9223372036854775808", "/api/events/-1",
                                  "/ui/events/99999999999999999999999", "/ui/events/-1"])
def test_out_of_range_event_ids_are_404(receiver, path):
    assert receiver.client.get(path, headers=bearer()).status_code == 404


@pytest.mark.parametrize("query", ["after_id=99999999999999999999999", "after_id=-3", "after_id=abc"])
def test_ui_feed_out_of_range_is_400(receiver, query):
    assert receiver.client.get("/ui/events.json?" + query, headers=bearer()).status_code == 400


@pytest.mark.parametrize("depth", [900, 30000])
def test_deeply_nested_json_body_is_stored_and_shown(receiver, depth):
    body = b"[" * depth + b"]" * depth
    response = receiver.client.post("/generic", data=body, content_type="application/json")
    assert response.status_code == 200
    event_id = int(response.headers["X-Receiver-Event-Id"])
    page = receiver.client.get("/ui/events/%d" % event_id, headers=bearer())
    assert page.status_code == 200
    assert b"[[[[[[[[" in page.data
    api = receiver.client.get("/api/events/%d" % event_id, headers=bearer()).get_json()
    assert api["body_text"] == body.decode()
