"""The shared signature module (plugins/module_utils/webhooks/signatures.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt  # PyJWT: an independent implementation to check ours against
import pytest
from cpaas_module_utils.webhooks import signatures as sig

# Twilio's published vector (its SDKs' tests and wire/README.md): auth token 12345.
TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {"CallSid": "CA1234567890ABCDE", "Caller": "+12349013030", "Digits": "1234", "From": "+12349013030", "To": "+18005551212"}
PROBE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
JSON_BODY = '{"property": "value", "boolean": true}'
JSON_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
JSON_SIGNATURE = "a9nBmqA0ju/hNViExpshrM61xv4="


def test_twilio_probe_vector():
    assert sig.twilio_signature(TOKEN, URL, PARAMS) == PROBE
    assert sig.twilio_signed_string(URL, PARAMS) == URL + "CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212"
    assert sig.twilio_validate(TOKEN, URL, PARAMS, PROBE)


def test_twilio_params_as_pairs_in_any_order():
    pairs = list(reversed(list(PARAMS.items())))
    assert sig.twilio_validate(TOKEN, URL, pairs, PROBE)


@pytest.mark.parametrize("changed", [
    {"To": "+18005551213"},
    {"Extra": "1"},
])
def test_twilio_tampered_params_refused(changed):
    verdict = sig.twilio_validate(TOKEN, URL, dict(PARAMS, **changed), PROBE)
    assert not verdict and verdict.reason == "invalid"


def test_twilio_wrong_token_and_missing_header():
    assert not sig.twilio_validate("54321", URL, PARAMS, PROBE)
    verdict = sig.twilio_validate(TOKEN, URL, PARAMS, None)
    assert verdict.reason == "missing"


@pytest.mark.parametrize("received_url", [
    "https://mycompany.com:443/myapp.php?foo=1&bar=2",  # signed without the port, received with it
    "https://mycompany.com/myapp.php?foo=1&bar=2",
])
def test_twilio_default_port_either_way(received_url):
    assert sig.twilio_validate(TOKEN, received_url, PARAMS, PROBE)
    signed_with_port = sig.twilio_signature(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS)
    assert sig.twilio_validate(TOKEN, received_url, PARAMS, signed_with_port)


def test_twilio_http_default_port_is_80_and_other_ports_are_not_guessed():
    signed = sig.twilio_signature(TOKEN, "http://example.com:80/cb", PARAMS)
    assert sig.twilio_validate(TOKEN, "http://example.com/cb", PARAMS, signed)
    signed_8443 = sig.twilio_signature(TOKEN, "https://example.com:8443/cb", PARAMS)
    assert sig.twilio_validate(TOKEN, "https://example.com:8443/cb", PARAMS, signed_8443)
    assert not sig.twilio_validate(TOKEN, "https://example.com:9443/cb", PARAMS, signed_8443)


def test_twilio_json_body_vector():
    assert sig.sha256_hex(JSON_BODY) == JSON_HASH
    url = sig.twilio_url_with_body_hash(URL, JSON_BODY)
    assert url == URL + "&bodySHA256=" + JSON_HASH
    assert sig.twilio_signature(TOKEN, url) == JSON_SIGNATURE
    assert sig.twilio_validate(TOKEN, url, JSON_BODY, JSON_SIGNATURE)
    assert sig.twilio_validate(TOKEN, url, JSON_BODY.encode(), JSON_SIGNATURE)


def test_twilio_json_body_changed_is_refused():
    url = URL + "&bodySHA256=" + JSON_HASH
    verdict = sig.twilio_validate(TOKEN, url, JSON_BODY + " ", JSON_SIGNATURE)
    assert not verdict and verdict.reason == "body_mismatch"


def test_twilio_repeated_values_sorted_and_deduplicated():
    pairs = [("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("Name", "x")]
    assert sig.twilio_signed_string("https://e.com/", pairs) == "https://e.com/NamexTagaTagb"


def test_twilio_sha256_variant():
    signed = sig.twilio_signature("shared-key", URL, PARAMS, algorithm="HMAC_SHA256")
    expected = base64.b64encode(hmac.new(b"shared-key", sig.twilio_signed_string(URL, PARAMS).encode(), hashlib.sha256).digest()).decode()
    assert signed == expected
    assert sig.twilio_validate("shared-key", URL, PARAMS, signed, algorithm="HMAC_SHA256")
    assert not sig.twilio_validate("shared-key", URL, PARAMS, signed)  # SHA-1 by default
    assert sig.twilio_algorithm_from_settings("key=KS123,algorithm=HMAC_SHA256") == "HMAC_SHA256"
    assert sig.twilio_validate("shared-key", URL, PARAMS, signed, algorithm="HMAC_SHA256")
    assert sig.twilio_algorithm_from_settings(None) == "HMAC_SHA1"


def test_jwt_interoperates_with_pyjwt():
    claims = {"iat": 1700000000, "api_key": "abcd1234", "payload_hash": sig.sha256_hex(b"{}")}
    secret = "a-signature-secret-of-32-bytes-or-more"
    ours = sig.vonage_jwt_sign(secret, claims)
    assert jwt.decode(ours, secret, algorithms=["HS256"]) == claims
    theirs = jwt.encode(claims, secret, algorithm="HS256")
    verdict = sig.jwt_hs256_decode(secret, theirs, now=1700000000)
    assert verdict and verdict.claims == claims


def test_jwt_refuses_alg_none_and_garbage():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(b'{"a":1}').rstrip(b"=").decode()
    assert sig.jwt_hs256_decode("secret", header + "." + payload + ".").reason == "invalid"
    assert sig.jwt_hs256_decode("secret", "not-a-jwt").reason == "malformed"
    assert sig.jwt_hs256_decode("secret", "a.b.c").reason == "malformed"


def test_jwt_expiry():
    token = sig.jwt_hs256_encode("s", {"exp": 1000})
    assert sig.jwt_hs256_decode("s", token, now=1000)
    assert sig.jwt_hs256_decode("s", token, now=2000).reason == "expired"


def test_vonage_verify_right_wrong_secret_and_changed_body():
    body = b'{"status":"answered","uuid":"x"}'
    token = sig.vonage_jwt_sign("sig-secret", sig.vonage_signed_claims(body, api_key="abcd1234"))
    assert sig.vonage_verify("sig-secret", "Bearer " + token, body)
    assert sig.vonage_verify("sig-secret", token, body)  # the bare token is accepted too
    assert sig.vonage_verify("other-secret", "Bearer " + token, body).reason == "invalid"
    assert sig.vonage_verify("sig-secret", "Bearer " + token, body + b" ").reason == "body_mismatch"
    assert sig.vonage_verify("sig-secret", None, body).reason == "missing"
    assert sig.vonage_verify("sig-secret", "Basic abc", body).reason == "missing"
    no_hash = sig.vonage_jwt_sign("sig-secret", {"iat": 1})
    assert sig.vonage_verify("sig-secret", no_hash, body).reason == "invalid"
    assert sig.vonage_verify("sig-secret", no_hash, body, require_payload_hash=False)
    assert sig.vonage_verify("sig-secret", no_hash, b"")  # a GET answer URL has no body to hash
    assert sig.vonage_verify("sig-secret", no_hash, b"", require_payload_hash=True)


def test_vobiz_v2_as_documented_and_v3_without_query_or_parameters():
    # Where the docs and the SDK agree: V2 always, V3 for a URL without query and no parameters.
    url = "https://example.com/answer"
    nonce = "12345678901234567890"
    v2 = base64.b64encode(hmac.new(b"tok", b"https://example.com/answer" + nonce.encode(), hashlib.sha256).digest()).decode()
    v3 = base64.b64encode(hmac.new(b"tok", b"https://example.com/answer." + nonce.encode(), hashlib.sha256).digest()).decode()
    assert sig.vobiz_v2_signature("tok", url + "?x=1", nonce) == v2
    assert sig.vobiz_v3_signature("tok", url, nonce) == v3
    headers = sig.vobiz_sign_headers("tok", url, nonce)
    assert sig.vobiz_validate("tok", url, headers)
    assert sig.vobiz_validate("tok", url, {"x-vobiz-signature-v2": v2, "x-vobiz-signature-v2-nonce": nonce})
    assert sig.vobiz_validate("tok", url, {sig.VOBIZ_V3_HEADER: "bogus, " + v3, sig.VOBIZ_V3_NONCE_HEADER: nonce})
    assert sig.vobiz_validate("wrong", url, headers).reason == "invalid"
    assert sig.vobiz_validate("tok", "https://example.com/other", headers).reason == "invalid"
    assert sig.vobiz_validate("tok", url, {}).reason == "missing"
    assert sig.vobiz_validate("tok", url, {sig.VOBIZ_V3_HEADER: v3}).reason == "missing"
    assert len(sig.vobiz_nonce()) == 20 and sig.vobiz_nonce().isdigit()


def test_vobiz_v3_signed_string_keeps_the_query_and_sorts_the_form():
    url = "https://example.com/cb?b=2&a=1"
    assert sig.vobiz_v3_signed_url(url, "GET") == "https://example.com/cb?a=1&b=2"
    assert sig.vobiz_v3_signed_url(url, "POST") == "https://example.com/cb?a=1&b=2"
    assert sig.vobiz_v3_signed_url(url, "POST", {"Z": "1", "A": "2"}) == "https://example.com/cb?a=1&b=2.A2Z1"
    assert sig.vobiz_v3_signed_url("https://example.com/cb", "POST", [("Z", "1"), ("A", "2")]) == "https://example.com/cb?A2Z1"


def test_vobiz_a_valid_v2_rescues_a_wrong_v3():
    url, nonce = "https://example.com/cb?q=1", "98765432109876543210"
    headers = sig.vobiz_sign_headers("tok", url, nonce, "POST", {"Event": "Hangup"})
    headers[sig.VOBIZ_V3_HEADER] = "d3Jvbmc="
    verdict = sig.vobiz_validate("tok", url, headers, "POST", {"Event": "Hangup"})
    assert verdict and "V2" in verdict.detail
    headers[sig.VOBIZ_V2_HEADER] = "d3Jvbmc="
    verdict = sig.vobiz_validate("tok", url, headers, "POST", {"Event": "Hangup"})
    assert not verdict and verdict.reason == "invalid" and "V3" in verdict.detail and "V2" in verdict.detail


@pytest.mark.parametrize("value, expected", [
    ("Basic abc", ("Basic", "abc")),
    ("basic\tabc", ("basic", "abc")),
    ("  BASIC \t abc==  ", ("BASIC", "abc==")),
    ("Bearer", ("Bearer", "")),
    ("abc", ("abc", "")),
    ("Digest a=1, b=2", ("Digest", "a=1, b=2")),
    ("", (None, None)),
    ("   ", (None, None)),
    ("=abc", (None, None)),
    ("Basic\xa0abc", (None, None)),
])
def test_parse_authorization_rfc7235(value, expected):
    assert sig.parse_authorization(value) == expected


def _shared_files():
    """Every file the sandbox and the receiver share with the modules (the wheel's cpaas_module_utils), adapters excepted."""
    from pathlib import Path

    root = Path(sig.__file__).resolve().parent.parent
    files = [root / "_registry.py"] + sorted((root / "webhooks").glob("*.py"))
    files += sorted(path for path in (root / "_providers").rglob("*.py") if path.name != "adapter.py")
    return root, files


def test_shared_files_are_standard_library_only_with_relative_imports():
    """The shared files import the standard library, and each other only relatively (so the same files
    work as the collection's module_utils and as the wheel's cpaas_module_utils). The one exception is
    ``cryptography`` inside a function (Telnyx's Ed25519), never at the top of a module: importing the
    module needs only the standard library."""
    import ast
    import sys

    root, files = _shared_files()
    assert len(files) >= 15, files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        in_functions = set()
        for node in ast.walk(tree):
            names = set()
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = {node.module.split(".")[0]}
            imported |= names
        for function in (node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    in_functions.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    in_functions.add(node.module.split(".")[0])
        lazy = {"cryptography"} & in_functions
        assert imported - {"__future__"} - lazy <= set(sys.stdlib_module_names), (path.relative_to(root), imported)


def test_the_wheel_package_never_imports_an_adapter():
    """Importing every shared module (as the sandbox and the receiver do) loads no adapter and no Ansible."""
    import subprocess
    import sys

    code = ("import sys, cpaas_module_utils._registry as r, cpaas_module_utils.webhooks.payloads, cpaas_module_utils.webhooks.signatures; "
            "assert r.NAMES; bad = [m for m in sys.modules if m.endswith('.adapter') or m.startswith('ansible')]; "
            "assert not bad, bad; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr
