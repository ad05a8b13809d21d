"""Where a receiver request spends its time: the Flask app in this process (Flask's test
client, no network, no gunicorn) under cProfile, for each variant of ``receiver.py``.

Prints, per variant: the wall time per request, the share spent committing the event
(SQLite) and checking a password, and the functions with the most cumulative time.
Not part of ``make bench``: run it when a change may move the costs
(``.venv/bin/python bench/profile_receiver.py``).
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ADMIN = "profile-admin-token"
USER, PASSWORD = "bench", "bench-password"
SIGNING = "bench-signing-secret"
PARAMS = {"AccountSid": "AC" + "a" * 32, "CallSid": "CA" + "b" * 32, "CallStatus": "ringing", "From": "+14155551212", "To": "+15005550006"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests per variant (default 2000)")
    parser.add_argument("--top", type=int, default=12, help="functions shown per variant")
    args = parser.parse_args(argv)
    from cpaas_module_utils.webhooks.signatures import twilio_signature

    from cpaas_receiver.app import create_app
    from cpaas_receiver.config import config_from_dict

    workdir = Path(tempfile.mkdtemp(prefix="cpaas-profile-receiver-"))
    config = config_from_dict({"admin_token": ADMIN, "endpoints": [
        {"path": "/generic", "provider": "generic"},
        {"path": "/basic", "provider": "generic", "basic_auth": {"username": USER, "password": PASSWORD}},
        {"path": "/twilio/voice", "provider": "twilio", "basic_auth": {"username": USER, "password": PASSWORD}, "signing_secret": SIGNING},
    ]}, environ={})
    app = create_app(config, str(workdir / "events.db"))
    client = app.test_client()
    added = client.post("/api/endpoints", headers={"Authorization": "Bearer " + ADMIN},
                        json={"path": "/added", "provider": "generic", "basic_auth": {"username": USER, "password": PASSWORD}})
    assert added.status_code == 201, added.data
    basic = {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()}
    body = urlencode(PARAMS)
    variants = [
        ("no checks", "/generic", {}),
        ("basic auth", "/basic", basic),
        ("basic auth + Twilio signature", "/twilio/voice",
         dict(basic, **{"X-Twilio-Signature": twilio_signature(SIGNING, "http://localhost/twilio/voice", PARAMS)})),
        ("basic auth, endpoint added through the API", "/added", basic),
    ]
    for label, path, headers in variants:
        first = client.post(path, data=body, headers=headers, content_type="application/x-www-form-urlencoded")
        assert first.status_code in (200, 204), (label, first.status_code)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _number in range(args.requests):
            client.post(path, data=body, headers=headers, content_type="application/x-www-form-urlencoded")
        profiler.disable()
        elapsed = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        shares = {}
        for (filename, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.stats.items():
            for key, (file_part, function) in {"commit (store.add_event)": ("store.py", "add_event"),
                                               "password check": ("verification.py", "check_basic_auth"),
                                               "endpoint lookup": ("app.py", "find_endpoint")}.items():
                if filename.endswith(file_part) and name == function:
                    shares[key] = cumulative
        print("\n=== %s: %d requests, %.3f ms per request (under the profiler)" % (label, args.requests, elapsed * 1000 / args.requests))
        total = sum(stat[3] for key, stat in stats.stats.items() if key[2] == "full_dispatch_request") or elapsed
        for key, seconds in shares.items():
            print("  %-28s %6.3f ms per request, %4.0f%% of the request" % (key, seconds * 1000 / args.requests, 100 * seconds / total))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-4000:])
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
