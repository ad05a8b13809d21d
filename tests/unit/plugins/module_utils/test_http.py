# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry rules of the shared HTTP layer, with a scripted transport."""

from __future__ import annotations

import threading

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.module_utils.http_client import ForeignAnswer, HttpClient, ProviderError, parse_retry_after


class Scripted:
    """Stands in for requests.Session.request: answers from a script, records calls."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, method, url, **kwargs):
        self.calls.append((method, url))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers)
        response._content = body.encode()
        return response


def client(script, **kwargs):
    waits = []
    http = HttpClient("Demo", "https://api.example.com/base", auth=("user", "pw"), sleep=waits.append, **kwargs)
    http.session.request = script
    return http, waits


def test_429_is_retried_for_a_create_honouring_retry_after():
    script = Scripted((429, {"Retry-After": "3"}, "{}"), (201, {}, "{}"))
    http, waits = client(script)

    response = http.request("POST", "apps", expected=(201,), idempotent=False)

    assert response.status_code == 201
    assert waits == [3.0]
    assert len(script.calls) == 2


def test_a_429_retry_after_holds_the_requests_of_every_thread():
    """Writes run a few at a time (the plural modules): one 429 slows all of them down, not only its own."""
    script = Scripted((429, {"Retry-After": "30"}, "{}"), (200, {}, "{}"), (200, {}, "{}"))
    http, waits = client(script)

    first = threading.Thread(target=http.request, args=("PUT", "apps/1"))
    first.start()
    first.join()
    assert waits == [30.0]
    second = threading.Thread(target=http.request, args=("PUT", "apps/2"))
    second.start()
    second.join()

    assert len(waits) == 2 and 25 < waits[1] <= 30  # the other thread waited out the same Retry-After
    assert len(script.calls) == 3


def test_5xx_is_retried_with_backoff_for_idempotent_requests():
    script = Scripted((503, {}, ""), (502, {}, ""), (200, {}, "{}"))
    http, waits = client(script, backoff_base=0.5)

    assert http.request("GET", "apps").status_code == 200
    assert waits == [0.5, 1.0]


def test_5xx_on_a_create_is_not_retried_and_marked_outcome_unknown():
    script = Scripted((500, {}, '{"message": "boom"}'))
    http, waits = client(script, error_parser=lambda r: (None, r.json()["message"]))

    with pytest.raises(ProviderError) as caught:
        http.request("POST", "apps", expected=(201,), idempotent=False)

    assert caught.value.outcome_unknown is True
    assert caught.value.status == 500
    assert len(script.calls) == 1 and waits == []
    assert "POST /base/apps answered HTTP 500: boom" in str(caught.value)


def test_lost_connection_on_a_create_is_outcome_unknown_and_not_retried():
    script = Scripted(requests.exceptions.ConnectionError("reset"))
    http, _waits = client(script)

    with pytest.raises(ProviderError) as caught:
        http.request("POST", "apps", idempotent=False)

    assert caught.value.outcome_unknown is True and caught.value.status is None
    assert len(script.calls) == 1


def test_connect_timeout_is_retried_even_for_a_create():
    script = Scripted(requests.exceptions.ConnectTimeout("slow"), (201, {}, "{}"))
    http, _waits = client(script)

    assert http.request("POST", "apps", expected=(201,), idempotent=False).status_code == 201


def test_read_timeout_on_an_update_is_retried():
    script = Scripted(requests.exceptions.ReadTimeout("late"), (200, {}, "{}"))
    http, _waits = client(script)

    assert http.request("PUT", "apps/1").status_code == 200


def test_retries_stop_after_max_retries_with_the_providers_words():
    script = Scripted(*[(429, {"Retry-After": "1"}, '{"code": 20429, "message": "Too Many Requests"}')] * 3)
    http, waits = client(script, max_retries=2, error_parser=lambda r: (r.json()["code"], r.json()["message"]))

    with pytest.raises(ProviderError) as caught:
        http.request("GET", "apps")

    assert len(script.calls) == 3 and waits == [1.0, 1.0]
    assert caught.value.code == 20429
    assert str(caught.value).startswith("Demo API: GET /base/apps answered HTTP 429 (error code 20429): Too Many Requests")
    assert "safe to run again" in str(caught.value)


def test_retry_after_is_capped():
    script = Scripted((429, {"Retry-After": "86400"}, ""), (200, {}, ""))
    http, waits = client(script)

    http.request("GET", "apps")

    assert waits == [60.0]


def test_malformed_error_body_still_gives_an_error():
    script = Scripted((400, {}, "<html>not json"))
    http, _waits = client(script, error_parser=lambda r: (None, r.json()["message"]))

    with pytest.raises(ProviderError) as caught:
        http.request("GET", "apps")

    assert caught.value.status == 400 and "not json" in str(caught.value)


def test_reads_and_writes_are_counted():
    script = Scripted((200, {}, ""), (200, {}, ""))
    http, _waits = client(script)
    http.request("GET", "a")
    http.request("POST", "b", idempotent=True)
    assert (http.reads, http.writes) == (1, 1)


@pytest.mark.parametrize("value, expected", [
    ("5", 5.0),
    ("0", 0.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
    ("soon", None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    now = 1445412470.0  # ten seconds before the date above
    assert parse_retry_after(value, now=now) == expected


# ---- request_json / request_xml: one check that an answer is the provider's ---------------------
def _json_client(*answers):
    http, _waits = client(Scripted(*answers))
    http.base_url = "https://user:secret-Qw9@api.example.com/base/"
    return http


def test_a_404_html_page_is_not_read_as_not_found():
    """Read as "no such application", it would lead to a create on a server that is not the provider."""
    http = _json_client((404, {"Content-Type": "text/html"}, "<html><body>Not here</body></html>"))

    with pytest.raises(ForeignAnswer) as caught:
        http.request_json("GET", "apps/1", absent=(404,))

    message = str(caught.value)
    assert "Demo API: GET https://api.example.com/base/apps/1 answered HTTP 404" in message
    assert "an HTML page" in message and "api_url (https://api.example.com/base)" in message
    assert "secret-Qw9" not in message and "user@" not in message
    assert "temporary" not in message


def test_a_404_of_the_provider_means_absent():
    http = _json_client((404, {"Content-Type": "application/json"}, '{"code": 20404}'))

    assert http.request_json("GET", "apps/1", absent=(404,)) == (404, None)


@pytest.mark.parametrize("content_type, body, expected", [
    ("application/json", "[1, 2]", "a JSON list, not an object"),
    ("application/json", "{not json", "not valid JSON"),
    ("application/json", '{"status": "ok"}', "no sid"),
    ("application/json; charset=utf-8", '{"sid": "AP1"}', None),
])
def test_json_answers_are_checked_for_type_and_shape(content_type, body, expected):
    http = _json_client((200, {"Content-Type": content_type}, body))

    def check(answer):
        return None if "sid" in answer else "no sid"

    if expected is None:
        assert http.request_json("GET", "apps/1", check=check) == (200, {"sid": "AP1"})
        return
    with pytest.raises(ForeignAnswer) as caught:
        http.request_json("GET", "apps/1", check=check)
    assert expected in str(caught.value)


def test_xml_answers_go_through_the_same_error_path():
    http = _json_client((200, {"Content-Type": "application/json"}, "{}"), (200, {"Content-Type": "application/xml"}, "<Other/>"))

    def parse(data):
        if b"<Other/>" in data:
            raise ValueError("the answer is not a Demo document (root <Other>)")
        return data

    with pytest.raises(ForeignAnswer, match="a body of type application/json, not an XML Demo API answer"):
        http.request_xml("GET", "apps", parse)
    with pytest.raises(ForeignAnswer, match="root <Other>"):
        http.request_xml("GET", "apps", parse)


def test_a_refused_connection_is_named_and_retried_even_for_a_create():
    refused = requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    script = Scripted(refused, (201, {}, "{}"))
    http, _waits = client(script)

    assert http.request("POST", "apps", expected=(201,), idempotent=False).status_code == 201


def test_a_tls_error_is_named_and_never_retried():
    script = Scripted(requests.exceptions.SSLError("certificate verify failed: self-signed certificate"))
    http, waits = client(script)

    with pytest.raises(ProviderError) as caught:
        http.request("GET", "apps")

    assert len(script.calls) == 1 and waits == []
    assert "TLS error" in str(caught.value) and "api.example.com:443" in str(caught.value)
    assert "temporary" not in str(caught.value) and caught.value.is_temporary is False
