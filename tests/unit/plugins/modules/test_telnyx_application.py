# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""telnyx_application, telnyx_application_info and telnyx_applications against the sandbox's Telnyx API."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.modules import telnyx_application, telnyx_application_info, telnyx_applications

PROVIDER = "telnyx"
HOOK = "https://hooks.example.com/telnyx"
COLLECTION = "/v2/call_control_applications"


@pytest.fixture
def telnyx(sandbox):
    key = sandbox.credentials["TELNYX_API_KEY"]
    base = {"api_url": sandbox.url + "/v2", "api_key": key, "max_retries": 3}
    headers = {"Authorization": "Bearer " + key}

    class Telnyx:
        args = base

        def app(self, **options):
            return dict(base, **options)

        def apps(self):
            return sandbox.applications(PROVIDER)

        def create_directly(self, **body):
            body.setdefault("webhook_event_url", HOOK)
            response = requests.post(sandbox.url + COLLECTION, json=body, headers=headers, timeout=10)
            assert response.status_code == 201, response.text
            return response.json()["data"]["id"]

    return Telnyx()


def body_of(entry):
    return json.loads(entry["body"])


def test_create_posts_only_the_options_set_with_the_bearer_key_and_reports_the_change(sandbox, telnyx, run_module):
    result = run_module(telnyx_application.main, telnyx.app(
        application_name="support-line", webhook_event_url=HOOK, webhook_api_version="2", inbound={"channel_limit": 4}))

    assert result["changed"] is True
    app = result["application"]
    assert app["id"].isdigit() and app["record_type"] == "call_control_application"
    assert app["inbound"]["channel_limit"] == 4 and app["active"] is True
    assert result["differences"] == ["application_name", "inbound", "webhook_api_version", "webhook_event_url"]
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "POST" and write["path"] == COLLECTION
    assert write["content_type"] == "application/json"
    assert body_of(write) == {"application_name": "support-line", "webhook_event_url": HOOK, "webhook_api_version": "2",
                              "inbound": {"channel_limit": 4}}
    assert write["authorization"] == "Bearer"


def test_asking_for_telnyx_defaults_on_an_existing_application_changes_nothing(sandbox, telnyx, run_module):
    telnyx.create_directly(application_name="support-line")
    sandbox.clear_requests()

    result = run_module(telnyx_application.main, telnyx.app(
        application_name="support-line", active=True, dtmf_type="RFC 2833", anchorsite_override="Latency", webhook_api_version="1",
        first_command_timeout_secs=30, webhook_event_failover_url="", inbound={"sip_subdomain_receive_settings": "from_anyone"}))

    assert result["changed"] is False
    assert sandbox.writes(PROVIDER) == []


def test_an_update_patches_the_changes_with_the_name_and_url_telnyx_requires(sandbox, telnyx, run_module):
    app_id = telnyx.create_directly(application_name="support-line", inbound={"channel_limit": 5, "sip_subdomain": "support"})
    sandbox.clear_requests()

    result = run_module(telnyx_application.main, telnyx.app(application_id=app_id, active=False, inbound={"shaken_stir_enabled": True}))

    assert result["changed"] is True
    assert result["differences"] == ["active", "inbound.shaken_stir_enabled"]
    [write] = sandbox.writes(PROVIDER)
    assert write["method"] == "PATCH" and write["path"] == "%s/%s" % (COLLECTION, app_id)
    body = body_of(write)
    # the two fields the API requires in every update, with the application's current values
    assert body["application_name"] == "support-line" and body["webhook_event_url"] == HOOK
    assert body["active"] is False
    # the nested object whole: nothing the task leaves out is dropped
    assert body["inbound"]["channel_limit"] == 5 and body["inbound"]["sip_subdomain"] == "support"
    assert body["inbound"]["shaken_stir_enabled"] is True
    assert set(body) == {"application_name", "webhook_event_url", "active", "inbound"}
    [app] = telnyx.apps()
    assert app["active"] is False and app["inbound"]["channel_limit"] == 5


def test_check_mode_sends_no_write_and_shows_the_diff(sandbox, telnyx, run_module):
    telnyx.create_directly(application_name="support-line")
    sandbox.clear_requests()

    result = run_module(telnyx_application.main, telnyx.app(application_name="support-line", webhook_event_url="https://new.example.com/t"),
                        check_mode=True)

    assert result["changed"] is True
    assert result["diff"]["before"]["webhook_event_url"] == HOOK
    assert result["diff"]["after"]["webhook_event_url"] == "https://new.example.com/t"
    assert sandbox.writes(PROVIDER) == []


def test_the_name_filter_narrows_the_listing_and_the_exact_name_decides(sandbox, telnyx, run_module):
    telnyx.create_directly(application_name="Support-Line")  # the filter matches it, the name does not
    telnyx.create_directly(application_name="support-line-2")
    sandbox.clear_requests()

    result = run_module(telnyx_application.main, telnyx.app(application_name="support-line", webhook_event_url=HOOK))

    assert result["changed"] is True
    first_read = sandbox.reads(PROVIDER)[0]
    assert parse_qs(first_read["query"])["filter[application_name][contains]"] == ["support-line"]
    assert sorted(app["application_name"] for app in telnyx.apps()) == ["Support-Line", "support-line", "support-line-2"]


def test_a_name_shorter_than_the_filter_allows_lists_everything_and_still_finds_it(sandbox, telnyx, run_module):
    app_id = telnyx.create_directly(application_name="ab")
    sandbox.clear_requests()

    result = run_module(telnyx_application.main, telnyx.app(application_name="ab", active=False))

    assert result["changed"] is True and result["application"]["id"] == app_id
    assert all("filter[application_name][contains]" not in parse_qs(entry["query"]) for entry in sandbox.reads(PROVIDER))


def test_listing_follows_every_page(sandbox, telnyx, run_module, monkeypatch):
    from ansible_collections.cpaas.callbacks.plugins.module_utils._providers.telnyx import fields

    monkeypatch.setattr(fields, "PAGE_SIZE", 2)
    ids = [telnyx.create_directly(application_name="app-%d" % n) for n in range(5)]

    result = run_module(telnyx_application_info.main, telnyx.args)

    assert sorted(app["id"] for app in result["applications"]) == sorted(ids)


def test_two_applications_of_one_name_fail_naming_both_ids(sandbox, telnyx, run_module):
    ids = [telnyx.create_directly(application_name="twin") for _twin in range(2)]

    result = run_module(telnyx_application.main, telnyx.app(application_name="twin", active=False))

    assert result["failed"] is True
    assert all(app_id in result["msg"] for app_id in ids) and "application_id" in result["msg"]


@pytest.mark.parametrize("options, words", [
    ({"webhook_timeout_secs": 31}, ["webhook_timeout_secs", "0 and 30"]),
    ({"webhook_event_url": "ftp://hooks.example.com/x"}, ["webhook_event_url"]),
    ({"webhook_event_url": ""}, ["webhook_event_url"]),
    ({"application_id": "abc"}, ["application_id", "digits"]),
    ({"inbound": {"channel_limit": -1}}, ["inbound.channel_limit"]),
    ({"webhook_api_version": "3"}, ["webhook_api_version", "1, 2"]),
])
def test_bad_input_fails_before_any_request(sandbox, telnyx, run_module, options, words):
    result = run_module(telnyx_application.main, telnyx.app(application_name="x-app", **dict({"webhook_event_url": HOOK}, **options)))

    assert all(word in result["msg"] for word in words), result["msg"]
    assert sandbox.requests(PROVIDER) == []


def test_create_without_a_webhook_url_fails_before_any_write(sandbox, telnyx, run_module):
    result = run_module(telnyx_application.main, telnyx.app(application_name="no-url"))

    assert "webhook_event_url is required" in result["msg"]
    assert sandbox.writes(PROVIDER) == []


def test_telnyx_errors_array_becomes_the_message(sandbox, telnyx, run_module):
    sandbox.fault(provider=PROVIDER, method="POST", kind="status", status=422)

    result = run_module(telnyx_application.main, telnyx.app(application_name="faulty", webhook_event_url=HOOK))

    assert result["status"] == 422 and "Unprocessable" in result["msg"]


def test_absent_deletes_then_is_unchanged(sandbox, telnyx, run_module):
    telnyx.create_directly(application_name="gone")

    first = run_module(telnyx_application.main, telnyx.app(application_name="gone", state="absent"))
    second = run_module(telnyx_application.main, telnyx.app(application_name="gone", state="absent"))

    assert first["changed"] is True and second["changed"] is False
    assert telnyx.apps() == []


def test_the_plural_module_converges_a_list_with_one_listing(sandbox, telnyx, run_module):
    telnyx.create_directly(application_name="team-a-old")
    result = run_module(telnyx_applications.main, dict(telnyx.args, purge=True, purge_scope="team-a-", applications=[
        {"application_name": "team-a-support", "webhook_event_url": HOOK},
        {"application_name": "team-a-sales", "webhook_event_url": HOOK, "active": False},
    ]))

    assert result["changed"] is True
    assert [entry["action"] for entry in result["results"]] == ["created", "created"]
    assert [app["name"] for app in result["purged"]] == ["team-a-old"]
    assert sorted(app["application_name"] for app in telnyx.apps()) == ["team-a-sales", "team-a-support"]
