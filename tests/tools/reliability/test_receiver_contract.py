"""The receiver's JSON API against its own OpenAPI document, with schemathesis.

Schemathesis generates requests from ``src/cpaas_receiver/openapi.yaml`` (valid and
invalid ones, bounded in number) and checks every answer: no server error, a status
and content type the document lists, and a body that matches its schema. The app is
served in-process (WSGI) over a fresh SQLite store holding a few events and endpoints,
and again over a fresh PostgreSQL database (a throwaway server).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from cpaas_receiver.app import create_app
from cpaas_receiver.config import config_from_dict

ADMIN_TOKEN = "contract-admin-token"
MAX_EXAMPLES = 30  # per API operation: a few hundred requests in all, well under a minute

_workdir = Path(tempfile.mkdtemp(prefix="cpaas-contract-"))
CONFIG = config_from_dict({
    "admin_token": ADMIN_TOKEN,
    "endpoints": [
        {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"],
         "basic_auth": {"username": "tw", "password": "contract-pass"}, "signing_secret": "contract-signing"},
        {"path": "/generic", "provider": "generic", "methods": ["POST", "GET"]},
    ],
}, environ={})
APP = create_app(CONFIG, str(_workdir / "events.db"))

# Some events of every verdict the API can list.
_client = APP.test_client()
for _ in range(3):
    _client.post("/generic", data=b"hello")
    _client.post("/twilio/voice", data={"CallSid": "CA1"})
    _client.get("/nowhere")

DOCUMENT = Path(APP.root_path) / "openapi.yaml"
# The document itself is served as YAML text; schemathesis would parse it and compare the
# parsed mapping with ``type: string``, so it is checked by the test below instead.
schema = schemathesis.openapi.from_path(str(DOCUMENT)).exclude(path="/api/openapi.yaml")
schema.app = APP
# A schema-valid request may still be refused with a documented 400 for rules the
# document cannot express (a signing secret on a Bandwidth endpoint, a ':' in a user name):
# the positive-data heuristic is left out; every other check runs, including the refusal
# of schema-violating requests.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@schema.auth()
class AdminToken:
    def get(self, case, context):
        return ADMIN_TOKEN

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = "Bearer " + data


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_openapi_document(case):
    case.call_and_validate(excluded_checks=EXCLUDED)


def test_the_document_covers_the_api():
    operations = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert ("GET", "/api/events") in operations and ("POST", "/api/endpoints") in operations
    assert len(operations) >= 6, operations


def test_the_document_is_served_as_it_is_in_the_package():
    served = APP.test_client().get("/api/openapi.yaml")

    assert served.status_code == 200 and served.mimetype == "application/yaml"
    assert served.get_data(as_text=True) == DOCUMENT.read_text(encoding="utf-8")


def test_every_answer_matches_the_openapi_document_on_postgresql(postgres_server):
    """The same checks with the PostgreSQL store (operation by operation: a store made by a fixture
    cannot back schemathesis' module-level parametrisation)."""
    app = create_app(CONFIG, postgres_server.new_database())
    try:
        client = app.test_client()
        for _round in range(3):
            client.post("/generic", data=b"hello")
            client.post("/twilio/voice", data={"CallSid": "CA1"})
            client.get("/nowhere")
        on_postgresql = schemathesis.openapi.from_path(str(DOCUMENT)).exclude(path="/api/openapi.yaml")
        on_postgresql.app = app
        on_postgresql.auth()(AdminToken)
        checked = 0
        for result in on_postgresql.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            def check(case):
                case.call_and_validate(excluded_checks=EXCLUDED)

            check()
            checked += 1
        assert checked >= 6
        # The generated requests carried the token: some of them added endpoints.
        assert app.store.endpoints(), "no request got past the token check"
    finally:
        app.store.close()
