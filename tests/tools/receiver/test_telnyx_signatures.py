"""Telnyx's Ed25519 webhook signatures: the receiver against the official ``telnyx`` SDK, not against our own code.

The SDK (``telnyx.lib.webhook_verification``) can verify but not sign. So signatures are made two
ways that are not the receiver's code: with PyNaCl (the library the SDK verifies with), and with our
signing code (``cryptography``), each checked by the SDK; the receiver must accept exactly what the
SDK accepts (valid signature, timestamp within 300 s) and refuse, and record, everything it refuses.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from cpaas_module_utils._providers.telnyx import signing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey
from telnyx.lib.webhook_verification import WebhookVerificationError, verify_webhook_signature

from .conftest import base_config

SEED = bytes(range(1, 33))
PRIVATE = base64.b64encode(SEED).decode("ascii")
PUBLIC_KEY = base64.b64encode(bytes(SigningKey(SEED).verify_key)).decode("ascii")
OTHER_PUBLIC_KEY = base64.b64encode(bytes(SigningKey(bytes(32)).verify_key)).decode("ascii")
PATH = "/telnyx/events"
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

bodies = st.one_of(
    st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=4).map(lambda d: json.dumps({"data": d})),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
)
# seconds from now: clearly inside or clearly outside the SDK's 300 s (never on the edge, where the clock may tick)
offsets = st.one_of(st.integers(-280, 280), st.integers(320, 5000), st.integers(-5000, -320))


@pytest.fixture
def receiver(make_receiver):
    endpoints = base_config()["endpoints"] + [
        {"path": PATH, "provider": "telnyx", "kind": "status", "methods": ["POST"], "signing_secret": PUBLIC_KEY},
    ]
    return make_receiver(endpoints=endpoints)


def nacl_headers(body: str, timestamp: str) -> dict[str, str]:
    """What Telnyx sends, made with PyNaCl (not our code): Ed25519 over "<timestamp>|<body>"."""
    signature = SigningKey(SEED).sign(("%s|%s" % (timestamp, body)).encode("utf-8")).signature
    return {"telnyx-signature-ed25519": base64.b64encode(signature).decode("ascii"), "telnyx-timestamp": timestamp}


def sdk_accepts(body: str, headers: dict[str, str], key: str = PUBLIC_KEY) -> bool:
    try:
        verify_webhook_signature(body, headers, key)
    except WebhookVerificationError:
        return False
    return True


def post(receiver, body: str, headers: dict[str, str]):
    return receiver.client.post(PATH, data=body.encode("utf-8"), content_type="application/json", headers=headers)


@FUZZ
@given(body=bodies, offset=offsets)
def test_the_receiver_accepts_exactly_what_the_sdk_accepts(receiver, body, offset):
    headers = nacl_headers(body, str(int(time.time()) + offset))

    response = post(receiver, body, headers)

    assert sdk_accepts(body, headers) == (response.status_code == 204), receiver.last_event()["checks"]["signature"]


@FUZZ
@given(body=bodies)
def test_our_signatures_verify_in_the_sdk_and_in_the_receiver(receiver, body):
    headers = signing.sign_headers(PRIVATE, body.encode("utf-8"))

    assert sdk_accepts(body, headers)
    assert post(receiver, body, headers).status_code == 204


def test_the_public_key_of_our_private_key_is_pynacls():
    assert signing.public_key_of(PRIVATE) == PUBLIC_KEY
    # PyNaCl's 64-byte signing key form (seed and public key) is taken too
    assert signing.public_key_of(base64.b64encode(bytes(SigningKey(SEED)._signing_key)).decode("ascii")) == PUBLIC_KEY


REFUSALS = {
    "tampered body": (lambda body, headers: (body.replace("answered", "hangup"), headers), "invalid"),
    "missing signature": (lambda body, headers: (body, {"telnyx-timestamp": headers["telnyx-timestamp"]}), "missing"),
    "missing timestamp": (lambda body, headers: (body, {"telnyx-signature-ed25519": headers["telnyx-signature-ed25519"]}), "missing"),
    "stale timestamp": (lambda body, headers: (body, nacl_headers(body, str(int(time.time()) - 3600))), "expired"),
    "future timestamp": (lambda body, headers: (body, nacl_headers(body, str(int(time.time()) + 3600))), "expired"),
    "timestamp not a number": (lambda body, headers: (body, dict(headers, **{"telnyx-timestamp": "yesterday"})), "malformed"),
    "signature not base64": (lambda body, headers: (body, dict(headers, **{"telnyx-signature-ed25519": "%%%"})), "malformed"),
    "short signature": (lambda body, headers: (body, dict(headers, **{"telnyx-signature-ed25519": base64.b64encode(b"x" * 32).decode()})),
                        "malformed"),
    "timestamp changed after signing": (lambda body, headers: (body, dict(headers, **{"telnyx-timestamp": str(int(headers["telnyx-timestamp"]) + 1)})),
                                        "invalid"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_refusal_is_the_sdks_too_and_is_recorded(receiver, case):
    body = json.dumps({"data": {"event_type": "call.answered", "payload": {"connection_id": "1"}}})
    change, reason = REFUSALS[case]
    sent_body, headers = change(body, nacl_headers(body, str(int(time.time()))))

    response = post(receiver, sent_body, headers)

    assert not sdk_accepts(sent_body, headers)
    assert response.status_code == 403
    event = receiver.last_event()
    assert event["verdict"] == "bad_signature"
    assert event["checks"]["signature"]["result"] == reason, event["checks"]["signature"]


def test_a_signature_under_another_key_is_refused(make_receiver):
    endpoints = [{"path": PATH, "provider": "telnyx", "methods": ["POST"], "signing_secret": OTHER_PUBLIC_KEY}]
    receiver = make_receiver(endpoints=endpoints)
    body = '{"data": {}}'
    headers = nacl_headers(body, str(int(time.time())))

    response = post(receiver, body, headers)

    assert not sdk_accepts(body, headers, OTHER_PUBLIC_KEY)
    assert response.status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "invalid"


def test_an_endpoint_whose_key_is_not_an_ed25519_public_key_is_refused_at_configuration(make_receiver):
    from cpaas_receiver.config import ConfigError

    with pytest.raises(ConfigError) as error:
        make_receiver(endpoints=[{"path": PATH, "provider": "telnyx", "methods": ["POST"], "signing_secret": "not-a-key"}])

    assert "signing_secret" in str(error.value) and "Ed25519" in str(error.value)
