"""The page's filters and the live list's feed, on both stores (without a browser)."""

from __future__ import annotations

import pytest
from cpaas_module_utils._registry import NAMES

from .conftest import basic, bearer


def ids(answer):
    return [e["id"] for e in answer.get_json()["events"]]


def test_feed_takes_the_pages_filters(receiver):
    client = receiver.client
    client.post("/generic", data=b"a")
    client.post("/bandwidth/voice", json={}, headers={"Authorization": basic("bwuser", "wrong")})
    client.get("/generic")  # method_not_allowed
    client.put("/generic", data=b"b")
    everything = ids(client.get("/ui/events.json?after_id=0", headers=bearer()))
    assert len(everything) == 4
    answer = client.get("/ui/events.json?after_id=0&endpoint=/generic&verdict=accepted", headers=bearer())
    assert ids(answer) == [everything[0], everything[3]]
    answer = client.get("/ui/events.json?after_id=%d&provider=bandwidth" % everything[0], headers=bearer())
    assert ids(answer) == [everything[1]]
    answer = client.get("/ui/events.json?after_id=0&until=2000-01-01T00:00:00Z", headers=bearer())
    assert ids(answer) == []
    answer = client.get("/ui/events.json?after_id=0&since=2000-01-01T00:00:00Z&until=9999-01-01T00:00:00Z", headers=bearer())
    assert ids(answer) == everything


@pytest.mark.parametrize("query, message", [
    ("verdict=fine", "verdict must be one of accepted, method_not_allowed"),
    ("provider=acme", "provider must be one of %s, generic" % ", ".join(NAMES)),
    ("until=yesterday", "until must be an ISO 8601 date and time"),
    ("since=yesterday", "since must be an ISO 8601 date and time"),
])
def test_a_bad_filter_is_named_and_lists_nothing(receiver, query, message):
    receiver.client.post("/generic", data=b"a")
    answer = receiver.client.get("/ui/events.json?after_id=0&" + query, headers=bearer())
    assert answer.status_code == 400 and message in answer.get_json()["error"]
    page = receiver.client.get("/ui/?" + query, headers=bearer())
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert message in text and 'data-feed=""' in text and "data-id=" not in text
