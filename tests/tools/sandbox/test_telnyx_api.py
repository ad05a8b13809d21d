"""The sandbox's Telnyx Call Control Applications API: auth, envelopes, defaults, paging, filter, 422 errors."""

from __future__ import annotations

import pytest

from .conftest import CREDS

APPS = "/v2/call_control_applications"
HEADERS = {"Authorization": "Bearer " + CREDS["TELNYX_API_KEY"], "Accept": "application/json"}
HOOK = "https://hooks.example.com/telnyx"


class Telnyx:
    """Telnyx API calls through the Flask test client, authenticated."""

    def __init__(self, client):
        self.client = client

    def create(self, **body):
        return self.client.post(APPS, json=body, headers=HEADERS)

    def created_id(self, **body) -> str:
        body.setdefault("webhook_event_url", HOOK)
        response = self.create(**body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["data"]["id"]

    def list(self, **query):
        return self.client.get(APPS, query_string=query, headers=HEADERS)

    def get(self, app_id):
        return self.client.get(f"{APPS}/{app_id}", headers=HEADERS)

    def update(self, app_id, **body):
        return self.client.patch(f"{APPS}/{app_id}", json=body, headers=HEADERS)

    def delete(self, app_id):
        return self.client.delete(f"{APPS}/{app_id}", headers=HEADERS)


@pytest.fixture
def telnyx(client):
    return Telnyx(client)


def test_create_answers_201_with_the_application_in_a_data_envelope_and_the_documented_defaults(telnyx):
    response = telnyx.create(application_name="call-router", webhook_event_url=HOOK)

    assert response.status_code == 201
    app = response.get_json()["data"]
    assert app["record_type"] == "call_control_application"
    assert app["id"].isdigit()
    assert app["application_name"] == "call-router"
    # the OpenAPI document's defaults
    assert app["active"] is True
    assert app["anchorsite_override"] == "Latency"
    assert app["dtmf_type"] == "RFC 2833"
    assert app["first_command_timeout"] is False
    assert app["first_command_timeout_secs"] == 30
    assert app["webhook_api_version"] == "1"
    assert app["webhook_event_failover_url"] == ""
    assert app["webhook_timeout_secs"] is None
    assert app["inbound"]["sip_subdomain_receive_settings"] == "from_anyone"
    assert app["inbound"]["shaken_stir_enabled"] is False
    assert telnyx.get(app["id"]).get_json()["data"] == app


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic " + CREDS["TELNYX_API_KEY"]}])
def test_requests_without_the_accounts_bearer_key_are_refused_with_telnyx_errors(client, headers):
    response = client.get(APPS, headers=headers)

    assert response.status_code == 401
    errors = response.get_json()["errors"]
    assert errors[0]["code"] == "10009"
    assert CREDS["TELNYX_API_KEY"] not in response.get_data(as_text=True)


def test_invalid_fields_answer_422_with_one_error_per_field_and_never_echo_a_url(telnyx):
    secret_url = "ftp://user:s3cret@hooks.example.com/x"
    response = telnyx.create(application_name="x", webhook_event_url=secret_url, webhook_api_version="3",
                             webhook_timeout_secs=31, inbound={"sip_subdomain_receive_settings": "anyone"})

    assert response.status_code == 422
    pointers = sorted(error["source"]["pointer"] for error in response.get_json()["errors"])
    assert pointers == ["/inbound/sip_subdomain_receive_settings", "/webhook_api_version", "/webhook_event_url", "/webhook_timeout_secs"]
    assert all(error["code"] == "10015" for error in response.get_json()["errors"])
    assert "s3cret" not in response.get_data(as_text=True)


def test_create_requires_application_name_and_webhook_event_url(telnyx):
    response = telnyx.create(active=False)

    assert response.status_code == 422
    assert sorted(e["source"]["pointer"] for e in response.get_json()["errors"]) == ["/application_name", "/webhook_event_url"]


def test_patch_changes_only_the_given_fields_and_requires_name_and_url_like_the_reference(telnyx):
    app_id = telnyx.created_id(application_name="router", inbound={"channel_limit": 5})

    missing = telnyx.update(app_id, active=False)
    assert missing.status_code == 422
    assert telnyx.get(app_id).get_json()["data"]["active"] is True

    response = telnyx.update(app_id, application_name="router", webhook_event_url=HOOK, active=False,
                             inbound={"shaken_stir_enabled": True})
    assert response.status_code == 200
    app = response.get_json()["data"]
    assert app["active"] is False
    assert app["inbound"]["channel_limit"] == 5  # a nested object is merged, not replaced
    assert app["inbound"]["shaken_stir_enabled"] is True
    assert app["updated_at"] >= app["created_at"]


def test_an_empty_failover_url_clears_it(telnyx):
    app_id = telnyx.created_id(application_name="router", webhook_event_failover_url="https://backup.example.com/t")

    response = telnyx.update(app_id, application_name="router", webhook_event_url=HOOK, webhook_event_failover_url="")

    assert response.get_json()["data"]["webhook_event_failover_url"] == ""


def test_list_pages_with_page_number_and_size_and_reports_meta(telnyx):
    ids = [telnyx.created_id(application_name=f"app-{n}") for n in range(5)]

    first = telnyx.list(**{"page[number]": 1, "page[size]": 2}).get_json()
    last = telnyx.list(**{"page[number]": 3, "page[size]": 2}).get_json()

    assert first["meta"] == {"page_number": 1, "page_size": 2, "total_pages": 3, "total_results": 5}
    assert [app["id"] for app in first["data"]] == ids[::-1][:2]  # created_at, newest first
    assert [app["id"] for app in last["data"]] == [ids[0]]
    assert telnyx.list(**{"page[number]": 4, "page[size]": 2}).get_json()["data"] == []


@pytest.mark.parametrize("query", [{"page[size]": 251}, {"page[size]": 0}, {"page[number]": 0}, {"page[number]": "x"}, {"sort": "name"}])
def test_bad_list_parameters_answer_400(telnyx, query):
    response = telnyx.list(**query)

    assert response.status_code == 400
    assert response.get_json()["errors"][0]["source"]["parameter"] in query


def test_the_name_filter_is_a_case_insensitive_contains_of_at_least_three_characters(telnyx):
    telnyx.created_id(application_name="Support-Line")
    telnyx.created_id(application_name="support-line-2")
    telnyx.created_id(application_name="sales")

    found = telnyx.list(**{"filter[application_name][contains]": "SUPPORT"}).get_json()["data"]
    short = telnyx.list(**{"filter[application_name][contains]": "su"})

    assert sorted(app["application_name"] for app in found) == ["Support-Line", "support-line-2"]
    assert short.status_code == 400


def test_delete_answers_the_deleted_application_then_404(telnyx):
    app_id = telnyx.created_id(application_name="gone")

    response = telnyx.delete(app_id)

    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == app_id
    assert telnyx.get(app_id).status_code == 404
    assert telnyx.delete(app_id).get_json()["errors"][0]["code"] == "10005"


def test_print_env_exports_the_telnyx_url_and_key():
    from cpaas_sandbox.credentials import export_lines

    lines = export_lines("http://127.0.0.1:8080", environ={})

    assert "export TELNYX_API_URL=http://127.0.0.1:8080/v2" in lines
    assert "export TELNYX_API_KEY=" + CREDS["TELNYX_API_KEY"] in lines


def test_injected_faults_answer_in_telnyx_error_shape(client, telnyx):
    added = client.post("/_sandbox/faults", json={"provider": "telnyx", "kind": "status", "status": 503})
    assert added.status_code == 201, added.get_json()

    response = telnyx.list()

    assert response.status_code == 503
    assert response.get_json()["errors"][0]["title"] == "Service Unavailable"
    assert telnyx.list().status_code == 200
