"""The cpaas-sandbox command, the credentials table and the running_sandbox helper."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from cpaas_sandbox import cli
from cpaas_sandbox.credentials import DEFAULTS, TABLE, defaults, export_lines, load_credentials
from cpaas_sandbox.providers import PROVIDERS
from cpaas_sandbox.testing import running_sandbox, sandbox_server

EXPECTED_DEFAULT_ENV = """\
export TWILIO_API_URL=http://127.0.0.1:9999
export TWILIO_ACCOUNT_SID=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
export TWILIO_AUTH_TOKEN=sandbox-twilio-token
export BW_API_URL=http://127.0.0.1:9999/api
export BW_ACCOUNT_ID=9900000
export BW_USERNAME=sandbox-bw-user
export BW_PASSWORD=sandbox-bw-password
export VONAGE_API_URL=http://127.0.0.1:9999
export VONAGE_API_KEY=sandboxkey
export VONAGE_API_SECRET=sandbox-vonage-secret
export VOBIZ_API_URL=http://127.0.0.1:9999/api/v1
export VOBIZ_AUTH_ID=MA_SANDBOX01
export VOBIZ_AUTH_TOKEN=sandbox-vobiz-token
export TELNYX_API_URL=http://127.0.0.1:9999/v2
export TELNYX_API_KEY=KEYSANDBOX_telnyx-api-key
export TELNYX_SIGNING_KEY=57J7hj9egDSWvFi+mnCqyog9N1prSW4SL6J4KVffnZo=
export TELNYX_PUBLIC_KEY=sqraxeLWgHbXb90q87j+Jby4dJtqnIVy6WlFb0HBau0=
"""


@pytest.fixture
def clean_env(monkeypatch):
    for entry in TABLE:
        monkeypatch.delenv(entry.api_url_var, raising=False)
        for var in entry.variables:
            monkeypatch.delenv(var.name, raising=False)
    return monkeypatch


def test_print_env_prints_the_documented_defaults(clean_env, capsys):
    assert cli.main(["--print-env", "--url", "http://127.0.0.1:9999/"]) == 0
    assert capsys.readouterr().out == EXPECTED_DEFAULT_ENV


def test_print_env_takes_values_from_the_environment(clean_env, capsys):
    clean_env.setenv("TWILIO_AUTH_TOKEN", "it's a secret")
    clean_env.setenv("VONAGE_API_KEY", "mykey")
    clean_env.setenv("BW_PASSWORD", "")  # empty counts as unset
    cli.main(["--print-env", "--url", "http://127.0.0.1:9999"])
    out = capsys.readouterr().out.splitlines()
    assert "export TWILIO_AUTH_TOKEN='it'\"'\"'s a secret'" in out
    assert "export VONAGE_API_KEY=mykey" in out
    assert "export BW_PASSWORD=sandbox-bw-password" in out


def test_print_env_prints_the_twilio_api_key_only_when_set(clean_env):
    assert not any("TWILIO_API_KEY" in line for line in export_lines("http://127.0.0.1:1", {}))
    lines = export_lines("http://127.0.0.1:1", {"TWILIO_API_KEY": "SK" + "1" * 32, "TWILIO_API_SECRET": "s"})
    assert "export TWILIO_API_KEY=SK" + "1" * 32 in lines
    assert "export TWILIO_API_SECRET=s" in lines


def test_print_env_without_url_uses_host_and_port(clean_env, capsys):
    cli.main(["--print-env", "--port", "4321"])
    assert "export TWILIO_API_URL=http://127.0.0.1:4321" in capsys.readouterr().out.splitlines()


def test_print_env_output_evaluates_in_a_shell(clean_env):
    clean_env.setenv("TWILIO_AUTH_TOKEN", "a b'c\"$HOME`x`")
    script = (
        f'eval "$({sys.executable} -m cpaas_sandbox --print-env --url http://127.0.0.1:7)"; '
        'printf "%s|%s|%s" "$TWILIO_AUTH_TOKEN" "$VOBIZ_API_URL" "$BW_ACCOUNT_ID"'
    )
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True, env=os.environ.copy()).stdout
    assert out == "a b'c\"$HOME`x`|http://127.0.0.1:7/api/v1|9900000"


def test_credentials_table_has_the_documented_defaults():
    assert DEFAULTS == {
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
        "TWILIO_AUTH_TOKEN": "sandbox-twilio-token",
        "TWILIO_API_KEY": "SK" + "a" * 32,
        "TWILIO_API_SECRET": "sandbox-twilio-api-secret",
        "BW_ACCOUNT_ID": "9900000",
        "BW_USERNAME": "sandbox-bw-user",
        "BW_PASSWORD": "sandbox-bw-password",
        "VONAGE_API_KEY": "sandboxkey",
        "VONAGE_API_SECRET": "sandbox-vonage-secret",
        "VOBIZ_AUTH_ID": "MA_SANDBOX01",
        "VOBIZ_AUTH_TOKEN": "sandbox-vobiz-token",
        "TELNYX_API_KEY": "KEYSANDBOX_telnyx-api-key",
        "TELNYX_SIGNING_KEY": "57J7hj9egDSWvFi+mnCqyog9N1prSW4SL6J4KVffnZo=",
    }


def test_load_credentials_overrides():
    creds = load_credentials({"TWILIO_AUTH_TOKEN": "env"}, {"VONAGE_API_KEY": "override"})
    assert creds["TWILIO_AUTH_TOKEN"] == "env"
    assert creds["VONAGE_API_KEY"] == "override"
    with pytest.raises(KeyError, match="TWILIO_TOKEN"):
        load_credentials({}, {"TWILIO_TOKEN": "typo"})


def test_running_sandbox_serves_and_stops():
    with running_sandbox() as url:
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(f"{url}/_sandbox/health", timeout=10).json()["status"] == "ok"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=2)


def test_running_sandbox_uses_the_documented_defaults_whatever_the_environment(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-the-shell")
    creds = defaults()
    assert creds == DEFAULTS
    with running_sandbox() as url:
        path = f"{url}/2010-04-01/Accounts/{creds['TWILIO_ACCOUNT_SID']}/Applications.json"
        assert requests.get(path, auth=(creds["TWILIO_ACCOUNT_SID"], creds["TWILIO_AUTH_TOKEN"]), timeout=10).status_code == 200


def test_running_sandbox_takes_credential_overrides():
    creds = defaults()
    with running_sandbox({"TWILIO_AUTH_TOKEN": "custom"}) as url:
        path = f"{url}/2010-04-01/Accounts/{creds['TWILIO_ACCOUNT_SID']}/Applications.json"
        assert requests.get(path, auth=(creds["TWILIO_ACCOUNT_SID"], "custom"), timeout=10).status_code == 200
        assert requests.get(path, auth=(creds["TWILIO_ACCOUNT_SID"], "sandbox-twilio-token"), timeout=10).status_code == 401


def test_two_sandboxes_do_not_share_state():
    with sandbox_server() as one, sandbox_server() as two:
        assert one.url != two.url
        creds = defaults()
        path = f"/2010-04-01/Accounts/{creds['TWILIO_ACCOUNT_SID']}/Applications.json"
        auth = (creds["TWILIO_ACCOUNT_SID"], creds["TWILIO_AUTH_TOKEN"])
        assert requests.post(one.url + path, data={"FriendlyName": "one"}, auth=auth, timeout=10).status_code == 201
        assert len(one.state.list_applications("twilio")) == 1
        assert two.state.list_applications("twilio") == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_serves_on_loopback_until_terminated():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpaas_sandbox", "--host", "127.0.0.1", "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _i in range(200):
            try:
                health = requests.get(f"{url}/_sandbox/health", timeout=2)
                break
            except requests.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail(f"cpaas-sandbox exited: {proc.stderr.read()}")
                time.sleep(0.05)
        else:
            pytest.fail("cpaas-sandbox did not answer")
        assert health.json()["providers"] == sorted(p.name for p in PROVIDERS)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert f"serving on http://127.0.0.1:{port}" in proc.stderr.read()


def test_print_env_prints_the_public_key_of_the_telnyx_signing_key_as_pynacl_derives_it(clean_env):
    import base64

    from nacl.signing import SigningKey

    own_seed = base64.b64encode(bytes(range(32))).decode("ascii")
    expected = base64.b64encode(bytes(SigningKey(bytes(range(32))).verify_key)).decode("ascii")

    lines = export_lines("http://127.0.0.1:1", {"TELNYX_SIGNING_KEY": own_seed})

    assert "export TELNYX_PUBLIC_KEY=" + expected in lines
    assert "export TELNYX_SIGNING_KEY=" + own_seed in lines
