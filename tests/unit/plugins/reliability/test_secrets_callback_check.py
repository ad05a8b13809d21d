# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets appear nowhere when callback_check proves callbacks against the real receiver.

The receiver (its Flask app, served on loopback) expects basic auth and a Twilio
signature; callback_check is given the callback password, the signing secret and the
receiver's admin token, and runs with the right ones and with wrong ones. Its results
(through this folder's secrets watch) and every receiver page afterwards must hold none
of those secrets.
"""

from __future__ import annotations

import threading

import pytest
import requests
from ansible_collections.cpaas.callbacks.plugins.modules import callback_check
from werkzeug.serving import make_server

from cpaas_receiver.app import create_app
from cpaas_receiver.config import config_from_dict

PASSWORD = "check-basic-Hh19qa"
SIGNING = "check-signing-Vv28wb"
ADMIN = "check-admin-Nn37xc"
WRONG_SIGNING = "check-wrong-signing-Ff46yd"


@pytest.fixture
def receiver(tmp_path):
    config = config_from_dict({"admin_token": ADMIN, "endpoints": [
        {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"],
         "basic_auth": {"username": "hooks", "password": PASSWORD}, "signing_secret": SIGNING},
    ]}, environ={})
    server = make_server("127.0.0.1", 0, create_app(config, str(tmp_path / "events.db")), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    thread.join(timeout=10)


def test_callback_check_and_the_receiver_show_no_secret(receiver, run_module, secret_watch):
    for secret in (PASSWORD, SIGNING, ADMIN, WRONG_SIGNING):
        secret_watch.add(secret)
    url = receiver.replace("http://", "http://hooks:********@") + "/twilio/voice"
    application = {"sid": "AP" + "1" * 32, "account_sid": "AC" + "2" * 32, "friendly_name": "t",
                   "voice_url": url, "voice_method": "POST"}
    args = {"provider": "twilio", "application": application, "callback_password": PASSWORD, "signing_secret": SIGNING,
            "receiver_url": receiver, "receiver_token": ADMIN, "timeout": 5}

    good = run_module(callback_check.main, args)
    forged = run_module(callback_check.main, dict(args, signing_secret=WRONG_SIGNING, report_only=True))

    assert good.get("failed") is not True and good["callbacks_passed"] == 1, good
    assert forged["callbacks_failed"] == 1
    admin = {"Authorization": "Bearer " + ADMIN}
    events = requests.get(receiver + "/api/events", headers=admin, timeout=10).json()["events"]
    assert len(events) >= 4  # probes without and with wrong credentials, and the events
    pages = ["/api/events", "/api/endpoints", "/ui/"] + ["/api/events/%d" % e["id"] for e in events] + ["/ui/events/%d" % e["id"] for e in events]
    for page in pages:
        response = requests.get(receiver + page, headers=admin, timeout=10)
        assert response.status_code == 200, page
        secret_watch.check("the receiver page %s" % page, response.text)
