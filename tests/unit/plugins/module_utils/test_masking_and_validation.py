# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64

import pytest
from ansible_collections.cpaas.callbacks.plugins.module_utils.masking import MASK, encoded_forms, mask_secrets, mask_url_password, scrub, secret_values
from ansible_collections.cpaas.callbacks.plugins.module_utils.validation import check_range, check_text, check_url


@pytest.mark.parametrize("url, expected", [
    ("https://u:p@h.example.com/x?y=1", "https://u:********@h.example.com/x?y=1"),
    ("https://u:p%40ss@h.example.com:8443/x", "https://u:********@h.example.com:8443/x"),
    ("https://u@h.example.com/x", "https://u@h.example.com/x"),
    ("https://h.example.com/x", "https://h.example.com/x"),
    ("", ""),
    (None, None),
])
def test_mask_url_password(url, expected):
    assert mask_url_password(url) == expected


def test_mask_secrets_masks_keys_and_urls_deeply_and_copies():
    value = {"password": "pw", "creds": {"user_id": "u", "password": "pw2"}, "urls": ["https://a:b@h.example.com/"], "empty": {"password": None}}
    masked = mask_secrets(value, ("password",))
    assert masked == {"password": "********", "creds": {"user_id": "u", "password": "********"},
                      "urls": ["https://a:********@h.example.com/"], "empty": {"password": None}}
    assert value["creds"]["password"] == "pw2"


@pytest.mark.parametrize("value, error", [
    ("https://hooks.example.com/a", None),
    ("http://127.0.0.1:8080/a?b=c", None),
    ("", None),
    (None, None),
    ("hooks.example.com/a", "must be an absolute http:// or https:// URL"),
    ("javascript:alert(1)", "must be an absolute"),
    ("https://", "must be an absolute"),
    ("https://h.example.com/a b", "without spaces or control characters"),
    ("https://h.example.com:99999/", "is not a valid URL"),
])
def test_check_url(value, error):
    message = check_url("voice_url", value)
    if error is None:
        assert message is None
    else:
        assert message.startswith("voice_url ") and error in message


def test_check_url_never_shows_a_password():
    message = check_url("voice_url", "ftp://u:topsecret@h.example.com/")
    assert "topsecret" not in message


def test_check_text_and_range():
    assert check_text("name", "ok") is None
    assert "must not be empty" in check_text("name", "   ")
    assert "at most 3" in check_text("name", "abcd", 3)
    assert check_range("t", 500, 300, 1000) is None
    assert check_range("t", 200, 300, 1000) == "t must be between 300 and 1000 (got 200)"


def test_secret_values_finds_raw_and_decoded_url_passwords_deeply():
    params = {"voice_url": "https://u:p%40ss@h.example.com/", "nested": {"urls": ["https://a:bb@h.example.com/"]},
              "plain": "https://h.example.com/", "user_only": "https://u@h.example.com/", "n": 3}
    assert {"p%40ss", "p@ss", "bb"} <= secret_values(params)
    assert secret_values(params) == encoded_forms("p%40ss", "u") | encoded_forms("bb", "a")


def test_secret_values_finds_values_under_secret_keys_but_not_masked_or_empty_ones():
    value = {"creds": {"user_id": "u", "Password": "pw1"}, "other": [{"password": "********"}, {"password": ""}],
             "url": "https://u:********@h.example.com/"}
    assert secret_values(value, ("password",)) == encoded_forms("pw1", "u")
    assert secret_values(value) == set()


def _basic(user, password):
    return base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def test_secret_values_holds_every_encoded_form_of_a_url_password():
    found = secret_values({"voice_url": "https://hooks:p%40ss%2Fw rd@example.com/voice"})

    for form in ("p%40ss%2Fw rd", "p@ss/w rd", "p%40ss%2Fw%20rd", "p%40ss%2fw%20rd", "p%40ss%2Fw+rd",
                 _basic("hooks", "p@ss/w rd"), _basic("hooks", "p@ss/w rd").rstrip("=")):
        assert form in found, form


def test_secret_values_pairs_a_password_with_its_user_for_the_basic_auth_form():
    found = secret_values({"creds": {"username": "u", "password": "ECHOPASS-77"}}, ("password",))

    assert "ECHOPASS-77" in found
    assert "dTpFQ0hPUEFTUy03Nw==" in found  # base64 of u:ECHOPASS-77, as an echoing endpoint quotes it


def test_encoded_forms_and_scrub():
    assert encoded_forms(MASK) == set() and encoded_forms("") == set() and encoded_forms(None) == set()
    text = "Authorization: Basic %s, url %s, raw %s" % (_basic("u", "a b+c"), "a%20b%2Bc", "a b+c")
    masked = scrub(text, encoded_forms("a b+c", "u"))
    assert masked == "Authorization: Basic %s, url %s, raw %s" % (MASK, MASK, MASK)
