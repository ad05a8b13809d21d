"""Receiver load: sustained events per second and latency (p50, p99) under concurrent load
with wrk on loopback, against the receiver served as the callback_receiver role serves it
(``cpaas-receiver``: gunicorn, 2 sync workers), each figure as a ratio to a bare Flask app
answering 204 under the very same gunicorn settings (the receiver's own serve function),
measured in the same run. Then the database growth per million events, extrapolated from
the events the runs stored.

Variants: no checks (a generic endpoint), basic auth, basic auth plus the Twilio
signature check, and basic auth on an endpoint added through the API (whose password is
stored as a PBKDF2 hash and checked against it on every request).
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml
from common import BIN, RESULTS, free_port, markdown_table, wait_for, write_results

ADMIN = "bench-admin-token"
USER, PASSWORD = "bench", "bench-password"
SIGNING = "bench-signing-secret"
PARAMS = {
    "AccountSid": "AC" + "a" * 32, "ApiVersion": "2010-04-01", "CallSid": "CA" + "b" * 32, "CallStatus": "ringing",
    "Called": "+15005550006", "Caller": "+14155551212", "Direction": "inbound", "From": "+14155551212", "To": "+15005550006",
}
BARE_APP = '''
import sys
from flask import Flask
from cpaas_receiver.cli import serve_gunicorn

app = Flask("bare")


@app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
@app.route("/<path:path>", methods=["GET", "POST"])
def answer(path):
    return "", 204


serve_gunicorn(app, "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), "-")
'''
LUA = '''
wrk.method = "POST"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
%(headers)s
'''


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's wrk package with apt-get")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"], check=True)
        return shutil.which("wrk")
    raise SystemExit("wrk is missing: install Debian's wrk package (apt-get install wrk)")


class Server:
    def __init__(self, command, port, log):
        self.command, self.port, self.log = command, port, log
        self.proc = None

    def __enter__(self):
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for("http://127.0.0.1:%d/healthz" % self.port)
        return self

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def run_wrk(wrk, url, headers, seconds, connections, threads, workdir):
    from urllib.parse import urlencode
    body = urlencode(PARAMS)
    lines = "\n".join('wrk.headers["%s"] = "%s"' % (name, value) for name, value in headers.items())
    script = workdir / "post.lua"
    script.write_text(LUA % {"body": body, "headers": lines})
    out = subprocess.run([wrk, "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return parse_wrk(out)


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    latency = {}
    for pct in ("50", "99"):
        match = re.search(r"\s%s(?:\.000)?%%\s+([\d.]+)(us|ms|s|m)\b" % pct, text)
        latency[pct] = _ms(match.group(1), match.group(2)) if match else None
    return {"requests_per_second": rps, "requests": total, "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(0) if errors else None, "p50_ms": latency["50"], "p99_ms": latency["99"], "raw": text}


def basic_header():
    return "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the role's default: 2)")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    from cpaas_webhooks.signatures import twilio_signature

    workdir = Path(tempfile.mkdtemp(prefix="cpaas-bench-receiver-"))
    port, bare_port = free_port(), free_port()
    config = {"admin_token": ADMIN, "endpoints": [
        {"path": "/generic", "provider": "generic", "methods": ["POST"]},
        {"path": "/basic", "provider": "generic", "methods": ["POST"], "basic_auth": {"username": USER, "password": PASSWORD}},
        {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"], "basic_auth": {"username": USER, "password": PASSWORD},
         "signing_secret": SIGNING},
    ]}
    (workdir / "receiver.yml").write_text(yaml.safe_dump(config))
    db = workdir / "events.db"
    bare_script = workdir / "bare_app.py"
    bare_script.write_text(BARE_APP)
    base = "http://127.0.0.1:%d" % port
    variants = [
        ("bare Flask app (204)", "http://127.0.0.1:%d/hook" % bare_port, {}),
        ("receiver, no checks", base + "/generic", {}),
        ("receiver, basic auth", base + "/basic", {"Authorization": basic_header()}),
        ("receiver, basic auth + Twilio signature", base + "/twilio/voice",
         {"Authorization": basic_header(), "X-Twilio-Signature": twilio_signature(SIGNING, base + "/twilio/voice", PARAMS)}),
        ("receiver, basic auth (endpoint added through the API: PBKDF2)", base + "/added", {"Authorization": basic_header()}),
    ]
    results = {}
    receiver_cmd = [str(BIN / "cpaas-receiver"), "--config", str(workdir / "receiver.yml"), "--host", "127.0.0.1", "--port", str(port),
                    "--db", str(db), "--workers", str(args.workers)]
    bare_cmd = [sys.executable, str(bare_script), str(bare_port), str(args.workers)]
    with Server(bare_cmd, bare_port, workdir / "bare.log"), Server(receiver_cmd, port, workdir / "receiver.log"):
        added = requests.post(base + "/api/endpoints", headers={"Authorization": "Bearer " + ADMIN}, timeout=10,
                              json={"path": "/added", "provider": "generic", "methods": ["POST"],
                                    "basic_auth": {"username": USER, "password": PASSWORD}})
        added.raise_for_status()
        for label, url, headers in variants:
            probe = requests.post(url, data=PARAMS, headers=headers, timeout=10)
            if probe.status_code not in (200, 204):
                raise SystemExit("%s: a probe request got %s, not 2xx: %s" % (label, probe.status_code, probe.text[:300]))
            print("wrk: %s (%ds, %d connections)" % (label, args.seconds, args.connections), flush=True)
            results[label] = run_wrk(wrk, url, headers, args.seconds, args.connections, args.threads, workdir)
            time.sleep(1)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    size = db.stat().st_size + sum(path.stat().st_size for path in workdir.glob("events.db-*"))
    bare = results["bare Flask app (204)"]
    rows = []
    for label, row in results.items():
        row["throughput_ratio"] = row["requests_per_second"] / bare["requests_per_second"]
        row["p50_ratio"] = row["p50_ms"] / bare["p50_ms"] if row["p50_ms"] and bare["p50_ms"] else None
        row["p99_ratio"] = row["p99_ms"] / bare["p99_ms"] if row["p99_ms"] and bare["p99_ms"] else None
        rows.append((label, "%.0f" % row["requests_per_second"], "%.2f" % row["throughput_ratio"], "%.1f" % row["p50_ms"],
                     "%.1f" % row["p99_ms"], "%.2f" % row["p50_ratio"], "%.2f" % row["p99_ratio"], row["non_2xx"],
                     (row["socket_errors"] or "none").replace("Socket errors: ", "")))
    per_event = size / events if events else None
    growth = {"events_stored": events, "database_bytes": size, "bytes_per_event": per_event,
              "megabytes_per_million_events": per_event * 1e6 / 1e6 if per_event else None, "extrapolated": True}
    for row in results.values():
        row.pop("raw", None)
    write_results("receiver", {"settings": vars(args), "results": results, "database": growth},
                  markdown_table(["variant", "events/s", "× bare", "p50 ms", "p99 ms", "p50 × bare", "p99 × bare", "non-2xx",
                                  "socket errors"], rows),
                  notes=["wrk on loopback, %d threads, %d connections, %ds per variant; gunicorn %d sync workers for all (the receiver's serve function)."
                         % (args.threads, args.connections, args.seconds, args.workers),
                         "wrk caps latency at its 2 s timeout: a variant whose requests time out shows them as socket errors.",
                         "Each event is a Twilio-shaped form POST of %d bytes." % len("&".join("%s=%s" % kv for kv in PARAMS.items())),
                         "Database growth: %d events stored in %.1f MB (after a WAL checkpoint): about %.0f bytes per event, "
                         "so about %.0f MB per million events (extrapolated linearly from this sample, indexes included)."
                         % (events, size / 1e6, per_event or 0, (per_event or 0) * 1e6 / 1e6)])
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
