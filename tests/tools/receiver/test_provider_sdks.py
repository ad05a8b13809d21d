"""The receiver against the providers' own signing code, not ours.

Signatures are made with the providers' SDKs (Twilio ``RequestValidator``, Vobiz's and
Plivo's ``signature_v3``) or, for Vonage, with PyJWT, the library ``vonage-jwt`` checks
tokens with; the receiver must accept exactly what the SDKs accept (Vonage: apart from
the documented clock skew and the ``payload_hash`` check the SDK leaves to its caller).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import jwt
import pytest
from cpaas_module_utils.webhooks import signatures as sig
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plivo.utils import signature_v3 as plivo_v3
from twilio.request_validator import RequestValidator, get_signature_algorithm
from vobiz.utils import signature_v3 as vobiz_v3
from vobiz.utils import validate_signature as vobiz_validate_v2
from vonage_jwt.errors import VonageVerifyJwtError
from vonage_jwt.verify_jwt import verify_signature as vonage_sdk_verify

from .conftest import base_config

PUBLIC = "https://hooks.example.com"
TWILIO_TOKEN = "12345"
VONAGE_SECRET = "vonage-signature-secret"
VOBIZ_TOKEN = "vobiz-auth-token"
FORM = {"CallSid": "CA1234567890ABCDE", "From": "+14155550100", "To": "+14155550199", "CallStatus": "ringing"}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# ASCII text that survives a form round trip (the SDKs see what Flask parses)
names = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, blacklist_characters="&=+%#;"), min_size=1, max_size=8)
values = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
unicode_values = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
forms = st.dictionaries(names, unicode_values, max_size=6)
queries = st.lists(st.tuples(names, values), max_size=4)
nonces = st.text(alphabet="0123456789", min_size=20, max_size=20)


@pytest.fixture
def receiver(make_receiver):
    return make_receiver(public_base_url=PUBLIC)


def form_post(receiver, path, params, headers):
    return receiver.client.post(path, data=urlencode(params), content_type="application/x-www-form-urlencoded", headers=headers)


# ------------------------------------------------------------------ Twilio (twilio 9.x RequestValidator)


@FUZZ
@given(params=forms, query=queries, algorithm=st.sampled_from(["HMAC_SHA1", "HMAC_SHA256"]))
def test_twilio_sdk_signatures_are_accepted(receiver, params, query, algorithm):
    path = "/twilio/status" + ("?" + urlencode(query) if query else "")
    url = PUBLIC + path
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params, algorithm)
    headers = {"X-Twilio-Signature": signature}
    if algorithm == "HMAC_SHA256":
        headers["X-Twilio-Webhooks-Signature-Settings"] = "key=KS0001,algorithm=HMAC_SHA256"
    response = form_post(receiver, path, params, headers)
    assert response.status_code == 204, receiver.last_event()["checks"]["signature"]


SETTINGS_HEADERS = [
    None, "", "key=KS1,algorithm=HMAC_SHA256", "key=KS1,algorithm=hmac_sha256", "key=KS1,Algorithm=HMAC_SHA256",
    "key=KS1,ALGORITHM=HMAC_SHA256", "key=KS1, algorithm = HMAC_SHA256 ", "key=KS1,algorithm=HMAC_SHA512",
    "key=KS1,algorithm=", "algorithm=HMAC_SHA1", "algorithm=SHA256", "key=KS1", "algorithm=HMAC_SHA256,algorithm=HMAC_SHA1",
    "algorithm=,algorithm=HMAC_SHA256", "algorithm=none",
]


@pytest.mark.parametrize("settings_header", SETTINGS_HEADERS)
@pytest.mark.parametrize("signed_with", ["HMAC_SHA1", "HMAC_SHA256"])
def test_twilio_signature_settings_read_as_the_sdk_reads_them(receiver, settings_header, signed_with):
    url = PUBLIC + "/twilio/status"
    validator = RequestValidator(TWILIO_TOKEN)
    signature = validator.compute_signature(url, FORM, signed_with)
    sdk_says = validator.validate(url, FORM, signature, get_signature_algorithm(settings_header))
    headers = {"X-Twilio-Signature": signature}
    if settings_header is not None:
        headers["X-Twilio-Webhooks-Signature-Settings"] = settings_header
    response = form_post(receiver, "/twilio/status", FORM, headers)
    assert response.status_code == (204 if sdk_says else 403)
    event = receiver.last_event()
    assert event["verdict"] == ("accepted" if sdk_says else "bad_signature")


def test_twilio_unknown_algorithm_is_refused_and_says_so(receiver):
    url = PUBLIC + "/twilio/status"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, FORM, "HMAC_SHA256")
    headers = {"X-Twilio-Signature": signature, "X-Twilio-Webhooks-Signature-Settings": "key=KS1,algorithm=HMAC_SHA512"}
    assert form_post(receiver, "/twilio/status", FORM, headers).status_code == 403
    check = receiver.last_event()["checks"]["signature"]
    assert check["result"] == "unsupported_algorithm" and "HMAC_SHA512" in check["detail"]


def test_twilio_json_body_signed_by_the_sdk(receiver):
    body = '{"CallStatus":"completed","Duration":"12"}'
    url = PUBLIC + "/twilio/status?bodySHA256=" + hashlib.sha256(body.encode()).hexdigest()
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, {})
    assert RequestValidator(TWILIO_TOKEN).validate(url, body, signature)
    response = receiver.client.post(url[len(PUBLIC):], data=body, content_type="application/json", headers={"X-Twilio-Signature": signature})
    assert response.status_code == 204


# ------------------------------------------------------------------ Vonage (vonage-jwt verify_signature over PyJWT)


def sdk_accepts(token, secret=VONAGE_SECRET):
    try:
        return vonage_sdk_verify(token, secret)
    except VonageVerifyJwtError:
        return False


def vonage_token(claims, secret=VONAGE_SECRET, algorithm="HS256"):
    return jwt.encode(claims, secret, algorithm=algorithm)


BODY = b'{"status":"answered","uuid":"u-1"}'
NOW = int(time.time())
CLAIM_CASES = {
    "fresh": {"iat": NOW},
    "float iat": {"iat": NOW + 0.5},
    "iat in 2100": {"iat": 4102444800},
    "iat an hour ahead": {"iat": NOW + 3600},
    "iat a word": {"iat": "yesterday"},
    "iat null": {"iat": None},
    "iat a list": {"iat": [NOW]},
    "exp past": {"iat": NOW - 7200, "exp": NOW - 3600},
    "exp future": {"iat": NOW, "exp": NOW + 3600},
    "exp a word": {"iat": NOW, "exp": "soon"},
    "nbf future": {"iat": NOW, "nbf": NOW + 3600},
    "nbf a word": {"iat": NOW, "nbf": "later"},
    "no iat": {},
    "iat true": {"iat": True},
    "iat a numeric string": {"iat": str(NOW)},
}
# RFC 7519 NumericDate is a JSON number: PyJWT takes anything int() takes, the receiver does not.
STRICTER_THAN_THE_SDK = {"iat true", "iat a numeric string"}


@pytest.mark.parametrize("case", sorted(CLAIM_CASES))
def test_vonage_time_claims_agree_with_the_sdk(receiver, case):
    claims = dict(CLAIM_CASES[case], api_key="abcd1234", payload_hash=hashlib.sha256(BODY).hexdigest())
    token = vonage_token(claims)
    response = receiver.client.post("/vonage/event", data=BODY, content_type="application/json", headers={"Authorization": "Bearer " + token})
    expected = sdk_accepts(token)
    if case in STRICTER_THAN_THE_SDK:
        assert expected
        expected = False
    assert response.status_code == (204 if expected else 403), receiver.last_event()["checks"]["signature"]


def test_vonage_iat_in_the_future_refused_beyond_the_documented_skew():
    # The SDK checks against the clock, so "now" is read here, not when the module was imported
    # (the suite may run for minutes before this test).
    now = int(time.time())
    body = b"{}"
    claims = {"payload_hash": hashlib.sha256(body).hexdigest()}
    within = vonage_token(dict(claims, iat=now + 30))
    beyond = vonage_token(dict(claims, iat=now + 120))
    assert sig.vonage_verify(VONAGE_SECRET, within, body, now=now)  # 30 s ahead: clock skew, accepted
    verdict = sig.vonage_verify(VONAGE_SECRET, beyond, body, now=now)
    assert not verdict and verdict.reason == "not_yet_valid" and "iat" in verdict.detail
    assert not sdk_accepts(beyond)


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_vonage_other_hmac_algorithms_refused(receiver, algorithm):
    token = vonage_token({"iat": NOW, "payload_hash": hashlib.sha256(BODY).hexdigest()}, algorithm=algorithm)
    assert not sdk_accepts(token)
    response = receiver.client.post("/vonage/event", data=BODY, content_type="application/json", headers={"Authorization": "Bearer " + token})
    assert response.status_code == 403


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@FUZZ
@given(header=json_values, claims=json_values, tail=st.binary(max_size=40))
def test_vonage_any_token_structure_never_crashes_and_never_beats_the_sdk(header, claims, tail):
    parts = [b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode())]
    signing_input = ".".join(parts).encode()
    for signature in (b64url(tail), b64url(hmac.new(VONAGE_SECRET.encode(), signing_input, hashlib.sha256).digest())):
        token = ".".join(parts + [signature])
        verdict = sig.vonage_verify(VONAGE_SECRET, "Bearer " + token, b"", now=time.time())
        if verdict.ok:
            assert sdk_accepts(token), (header, claims)


@FUZZ
@given(token=st.text(max_size=300))
def test_vonage_any_text_is_a_refusal_not_a_crash(token):
    verdict = sig.vonage_verify(VONAGE_SECRET, "Bearer " + token, BODY)
    assert not verdict and verdict.reason in ("missing", "malformed", "invalid")


token_parts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/", max_size=60),
    st.binary(max_size=45).map(b64url),
    st.builds(lambda t: b64url(t.encode("utf-8", "surrogatepass")), st.text(max_size=30)),
)


@FUZZ
@given(parts=st.lists(token_parts, min_size=3, max_size=3))
def test_jwt_parser_fuzzed_three_parts_never_raises(parts):
    token = ".".join(parts)
    verdict = sig.jwt_hs256_decode(VONAGE_SECRET, token)
    assert verdict.reason in ("missing", "malformed", "invalid", "expired", "not_yet_valid")
    assert not verdict.ok
    assert sig.jwt_unverified_claims(token) is None or isinstance(sig.jwt_unverified_claims(token), dict)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_vonage_any_bytes_in_the_header_are_recorded_as_refused(receiver, raw):
    # a header arrives as Latin-1 text: every byte, ASCII or not, is a possible character
    value = "Bearer " + raw.decode("latin-1").replace("\r", "").replace("\n", "")
    response = receiver.client.post("/vonage/event", data=BODY, content_type="application/json", headers={"Authorization": value})
    assert response.status_code == 403
    event = receiver.last_event()
    assert event["verdict"] == "bad_signature"


DEEP = 3000


@pytest.mark.parametrize("which", ["header", "payload"])
def test_vonage_token_nested_deep_or_non_ascii_is_a_recorded_403(receiver, which):
    deep = b64url(("[" * DEEP + "]" * DEEP).encode())
    plain = b64url(b'{"alg":"HS256","typ":"JWT"}')
    token = (deep + "." + plain if which == "header" else plain + "." + deep) + ".c2ln"
    for value in ("Bearer " + token, "Bearer \xffey\xe9." + plain + ".c2ln"):
        response = receiver.client.post("/vonage/event", data=BODY, content_type="application/json", headers={"Authorization": value})
        assert response.status_code == 403
        check = receiver.last_event()["checks"]["signature"]
        assert check["result"] == "malformed", check


# ------------------------------------------------------------------ Vobiz (vobiz-python and plivo signature_v3)


def sdk_v3(module, method, url, params, nonce, token=VOBIZ_TOKEN):
    signed = module.construct_get_url(url, dict(params)) if method == "GET" else module.construct_post_url(url, dict(params))
    return module.get_signature_v3(token.encode(), signed.decode("utf-8"), nonce.encode()).decode()


@FUZZ
@given(params=forms, query=queries, nonce=nonces, method=st.sampled_from(["GET", "POST"]), sdk=st.sampled_from([vobiz_v3, plivo_v3]))
def test_vobiz_v3_signed_by_the_sdk_is_accepted_and_ours_validates_in_the_sdk(receiver, params, query, nonce, method, sdk):
    path = "/vobiz/both" + ("?" + urlencode(query) if query else "")
    url = PUBLIC + path
    form = {} if method == "GET" else params
    signature = sdk_v3(sdk, method, url, form, nonce)
    headers = {sig.VOBIZ_V3_HEADER: signature, sig.VOBIZ_V3_NONCE_HEADER: nonce}
    if method == "GET":
        response = receiver.client.get(path, headers=headers)
    else:
        response = form_post(receiver, path, form, headers)
    assert response.status_code == 200, receiver.last_event()["checks"]["signature"]
    ours = sig.vobiz_v3_signature(VOBIZ_TOKEN, url, nonce, method, form)
    assert sdk.validate_v3_signature(method, url, nonce, VOBIZ_TOKEN, ours, dict(form))


@FUZZ
@given(query=queries, nonce=nonces)
def test_vobiz_v2_agrees_with_the_sdk(query, nonce):
    url = PUBLIC + "/vobiz/both" + ("?" + urlencode(query) if query else "")
    assert vobiz_validate_v2(url, nonce, sig.vobiz_v2_signature(VOBIZ_TOKEN, url, nonce), VOBIZ_TOKEN)
    assert not vobiz_validate_v2(url, nonce, sig.vobiz_v2_signature("other-token", url, nonce), VOBIZ_TOKEN)


def test_vobiz_post_with_query_and_a_wrong_v3_is_rescued_by_a_valid_v2(receiver):
    path = "/vobiz/both?leg=a"
    url, nonce, form = PUBLIC + path, "01234567890123456789", {"Event": "Hangup", "CallUUID": "u-1"}
    v2 = sig.vobiz_v2_signature(VOBIZ_TOKEN, url, nonce)
    assert vobiz_validate_v2(url, nonce, v2, VOBIZ_TOKEN)
    headers = {sig.VOBIZ_V3_HEADER: sdk_v3(vobiz_v3, "POST", url, form, nonce, token="another-token"), sig.VOBIZ_V3_NONCE_HEADER: nonce,
               sig.VOBIZ_V2_HEADER: v2, sig.VOBIZ_V2_NONCE_HEADER: nonce}
    assert form_post(receiver, path, form, headers).status_code == 200
    assert "V2" in receiver.last_event()["checks"]["signature"]["detail"]
    headers[sig.VOBIZ_V2_HEADER] = sig.vobiz_v2_signature("another-token", url, nonce)
    assert form_post(receiver, path, form, headers).status_code == 403
    assert receiver.last_event()["checks"]["signature"]["result"] == "invalid"


def test_vobiz_changed_form_parameter_breaks_v3(receiver):
    path, nonce, form = "/vobiz/both", "01234567890123456789", {"Event": "Hangup", "CallUUID": "u-1"}
    signature = sdk_v3(vobiz_v3, "POST", PUBLIC + path, form, nonce)
    headers = {sig.VOBIZ_V3_HEADER: signature, sig.VOBIZ_V3_NONCE_HEADER: nonce}
    assert form_post(receiver, path, form, headers).status_code == 200
    assert form_post(receiver, path, dict(form, Event="StartApp"), headers).status_code == 403


@pytest.fixture
def make_receiver(make_receiver):
    """The shared fixture, plus a Vobiz endpoint that takes GET and POST."""

    def make(**overrides):
        config = base_config(**overrides)
        config["endpoints"].append({"path": "/vobiz/both", "provider": "vobiz", "methods": ["GET", "POST"], "signing_secret": VOBIZ_TOKEN})
        return make_receiver(endpoints=config["endpoints"], **overrides)

    return make


# ------------------------------------------------------------------ what the sandbox and callback_check send, checked by the SDKs


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_fired_vobiz_events_validate_in_the_vobiz_sdk(method):
    from urllib.parse import parse_qsl

    from cpaas_module_utils.webhooks import payloads

    prepared = payloads.build_event("vobiz", "Hangup", "https://hooks.example.com/hangup?leg=a", method)
    payloads.sign_event(prepared, VOBIZ_TOKEN)
    params = dict(parse_qsl(prepared.body.decode(), keep_blank_values=True)) if method == "POST" else {}
    headers = prepared.headers
    assert vobiz_v3.validate_v3_signature(method, prepared.url, headers[sig.VOBIZ_V3_NONCE_HEADER], VOBIZ_TOKEN, headers[sig.VOBIZ_V3_HEADER], params)
    assert vobiz_validate_v2(prepared.url, headers[sig.VOBIZ_V2_NONCE_HEADER], headers[sig.VOBIZ_V2_HEADER], VOBIZ_TOKEN)


def test_fired_twilio_and_vonage_events_validate_in_their_sdks():
    from urllib.parse import parse_qsl

    from cpaas_module_utils.webhooks import payloads

    twilio = payloads.sign_event(payloads.build_event("twilio", "call-status", "https://hooks.example.com/st?x=1", "POST"), TWILIO_TOKEN)
    params = dict(parse_qsl(twilio.body.decode(), keep_blank_values=True))
    assert RequestValidator(TWILIO_TOKEN).validate(twilio.url, params, twilio.headers["X-Twilio-Signature"])
    vonage = payloads.sign_event(payloads.build_event("vonage", "message-status", "https://hooks.example.com/ev", "POST"), VONAGE_SECRET)
    token = sig.bearer_token(vonage.headers["Authorization"])
    assert vonage_sdk_verify(token, VONAGE_SECRET)
    assert jwt.decode(token, VONAGE_SECRET, algorithms=["HS256"])["payload_hash"] == hashlib.sha256(vonage.body).hexdigest()
