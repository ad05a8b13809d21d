"""Receiver load: sustained events per second and latency (p50, p99) under concurrent load
with wrk on loopback, against the receiver served as the callback_receiver role serves it
(``cpaas-receiver``: granian, 2 workers), and, for comparison, the same receiver under
gunicorn's threaded workers (``--server gunicorn``), each figure as a ratio to a bare Flask
app answering 204 under gunicorn with 2 sync workers (the receiver's own serve function),
measured in the same run: every round runs the bare app and then each variant, and the
figures are the medians over the rounds, so a machine whose load changes between rounds
moves both sides of a ratio. Then the latency of normal callbacks while 50 clients trickle
their bodies, and the database growth per million events, extrapolated from the events
the runs stored.

Variants: no checks (a generic endpoint), basic auth, basic auth plus the Twilio
signature check, basic auth on an endpoint added through the API (whose password is
stored as a PBKDF2 hash; a password verified once is remembered by a keyed hash), the
Telnyx Ed25519 signature, and basic auth under gunicorn. The trickling probe runs against both servers.

Beside the medians: the spread over the rounds (lowest and highest), the CPU time the
server's processes spent per answered request (from /proc: what a variant costs, which
moves less with the machine's load than events/s do), and the load average before and
after, since a machine shared with other work moves every figure.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import yaml
from common import BIN, RESULTS, free_port, markdown_table, wait_for, write_results

ADMIN = "bench-admin-token"
BARE = "bare Flask app (204)"
GUNICORN = "receiver under gunicorn (--server gunicorn), basic auth"
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


serve_gunicorn(app, "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), "-")  # sync workers
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


def process_tree(pid):
    """``pid`` and its descendants (gunicorn's master and workers)."""
    pids, children = [pid], Path("/proc/%d/task/%d/children" % (pid, pid))
    try:
        for child in children.read_text().split():
            pids += process_tree(int(child))
    except OSError:
        pass
    return pids


def cpu_seconds(pids):
    """User plus system CPU time of ``pids`` so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


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


def run_wrk(wrk, url, headers, seconds, connections, threads, workdir, server_pid):
    from urllib.parse import urlencode
    body = urlencode(PARAMS)
    lines = "\n".join('wrk.headers["%s"] = "%s"' % (name, value) for name, value in headers.items())
    script = workdir / "post.lua"
    script.write_text(LUA % {"body": body, "headers": lines})
    pids = process_tree(server_pid)
    cpu_before = cpu_seconds(pids)
    out = subprocess.run([wrk, "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    result = parse_wrk(out)
    used = cpu_seconds(pids) - cpu_before
    result["server_cpu_ms_per_request"] = used * 1000 / result["requests"] if result["requests"] and used else None
    return result


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


def summarise(runs, bare_runs):
    """Medians over the rounds; each ratio against the bare app's run of the same round."""
    def median(key, source=runs):
        values = [run[key] for run in source if run[key] is not None]
        return statistics.median(values) if values else None

    ratios = {key: [run[key] / bare[key] if run[key] and bare[key] else None for run, bare in zip(runs, bare_runs, strict=True)]
              for key in ("requests_per_second", "p50_ms", "p99_ms")}

    def spread(values):
        values = [value for value in values if value is not None]
        return [min(values), max(values)] if values else None

    return {
        "requests_per_second": median("requests_per_second"), "p50_ms": median("p50_ms"), "p99_ms": median("p99_ms"),
        "server_cpu_ms_per_request": median("server_cpu_ms_per_request"),
        "throughput_ratio_spread": spread(ratios["requests_per_second"]), "p99_ms_spread": spread(run["p99_ms"] for run in runs),
        "requests": sum(run["requests"] for run in runs), "non_2xx": sum(run["non_2xx"] for run in runs),
        "socket_errors": "; ".join(run["socket_errors"] for run in runs if run["socket_errors"]) or None,
        "throughput_ratio": statistics.median(r for r in ratios["requests_per_second"] if r is not None),
        "p50_ratio": statistics.median(r for r in ratios["p50_ms"] if r is not None),
        "p99_ratio": statistics.median(r for r in ratios["p99_ms"] if r is not None),
        "rounds": [{key: run[key] for key in ("requests_per_second", "p50_ms", "p99_ms", "server_cpu_ms_per_request")} for run in runs],
    }


def trickle_latency(port, url, headers, tricklers, requests_count, trickle_seconds=60):
    """Latency of normal callbacks sent one after the other while ``tricklers`` clients hold
    connections that trickle a body (bounded: the tricklers stop after ``trickle_seconds``)."""
    sockets = []
    for _number in range(tricklers):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"POST /generic HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\nx")
        sockets.append(sock)
    stop = threading.Event()

    def trickle():
        deadline = time.monotonic() + trickle_seconds
        while not stop.is_set() and time.monotonic() < deadline:
            for sock in sockets:
                try:
                    sock.sendall(b"x")
                except OSError:
                    pass
            stop.wait(0.5)

    thread = threading.Thread(target=trickle)
    thread.start()
    latencies, answered = [], 0
    session = requests.Session()
    try:
        time.sleep(1.0)
        for _number in range(requests_count):
            started = time.perf_counter()
            try:
                answer = session.post(url, data=PARAMS, headers=headers, timeout=10)
                answered += 200 <= answer.status_code < 300
            except requests.RequestException:
                pass
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        stop.set()
        thread.join(timeout=30)
        for sock in sockets:
            sock.close()
    latencies.sort()
    # a callback that got no answer counts with the time it waited (the 10 s timeout)
    return {"tricklers": tricklers, "requests": requests_count, "answered": answered, "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[int(0.99 * (len(latencies) - 1))], "max_ms": latencies[-1]}


def basic_header():
    return "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="duration of each wrk run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all variants, alternated (default 3)")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--tricklers", type=int, default=50, help="clients trickling bodies during the latency probe (default 50)")
    parser.add_argument("--probes", type=int, default=100, help="normal callbacks sent during the latency probe (default 100)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes of every server (the role's default: 2)")
    parser.add_argument("--receiver-threads", type=int, help="threads per receiver worker (default: cpaas-receiver's own default)")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    from urllib.parse import urlencode

    from cpaas_module_utils._providers.telnyx import signing as telnyx_signing
    from cpaas_module_utils.webhooks.signatures import twilio_signature

    telnyx_key, telnyx_public = telnyx_signing.generate_key_pair()
    workdir = Path(tempfile.mkdtemp(prefix="cpaas-bench-receiver-"))
    port, bare_port, gunicorn_port = free_port(), free_port(), free_port()
    config = {"admin_token": ADMIN, "endpoints": [
        {"path": "/generic", "provider": "generic", "methods": ["POST"]},
        {"path": "/basic", "provider": "generic", "methods": ["POST"], "basic_auth": {"username": USER, "password": PASSWORD}},
        {"path": "/twilio/voice", "provider": "twilio", "methods": ["POST"], "basic_auth": {"username": USER, "password": PASSWORD},
         "signing_secret": SIGNING},
        {"path": "/telnyx/events", "provider": "telnyx", "kind": "status", "methods": ["POST"], "signing_secret": telnyx_public},
    ]}
    (workdir / "receiver.yml").write_text(yaml.safe_dump(config))
    db = workdir / "events.db"
    bare_script = workdir / "bare_app.py"
    bare_script.write_text(BARE_APP)
    base = "http://127.0.0.1:%d" % port
    variants = [
        (BARE, "http://127.0.0.1:%d/hook" % bare_port, {}),
        ("receiver, no checks", base + "/generic", {}),
        ("receiver, basic auth", base + "/basic", {"Authorization": basic_header()}),
        ("receiver, basic auth + Twilio signature", base + "/twilio/voice",
         {"Authorization": basic_header(), "X-Twilio-Signature": twilio_signature(SIGNING, base + "/twilio/voice", PARAMS)}),
        ("receiver, basic auth (endpoint added through the API: PBKDF2)", base + "/added", {"Authorization": basic_header()}),
        # One signature for the whole run: its timestamp stays within Telnyx's 300 s as long as the run does.
        ("receiver, Telnyx Ed25519 signature", base + "/telnyx/events",
         telnyx_signing.sign_headers(telnyx_key, urlencode(PARAMS).encode("utf-8"))),
        (GUNICORN, "http://127.0.0.1:%d/basic" % gunicorn_port, {"Authorization": basic_header()}),
    ]
    results = {}

    def receiver_cmd(server, server_port, database):
        return [str(BIN / "cpaas-receiver"), "--config", str(workdir / "receiver.yml"), "--host", "127.0.0.1", "--port", str(server_port),
                "--db", str(database), "--workers", str(args.workers), "--server", server,
                "--access-log", str(workdir / ("access-%s.log" % server))] + (["--threads", str(args.receiver_threads)] if args.receiver_threads else [])
    bare_cmd = [sys.executable, str(bare_script), str(bare_port), str(args.workers)]
    load_before = os.getloadavg()
    with Server(bare_cmd, bare_port, workdir / "bare.log") as bare_server, \
            Server(receiver_cmd("granian", port, db), port, workdir / "receiver.log") as receiver_server, \
            Server(receiver_cmd("gunicorn", gunicorn_port, workdir / "gunicorn.db"), gunicorn_port, workdir / "gunicorn.log") as gunicorn_server:
        server_of = {BARE: bare_server.proc.pid, GUNICORN: gunicorn_server.proc.pid}
        added = requests.post(base + "/api/endpoints", headers={"Authorization": "Bearer " + ADMIN}, timeout=10,
                              json={"path": "/added", "provider": "generic", "methods": ["POST"],
                                    "basic_auth": {"username": USER, "password": PASSWORD}})
        added.raise_for_status()
        for label, url, headers in variants:
            probe = requests.post(url, data=PARAMS, headers=headers, timeout=10)
            if probe.status_code not in (200, 204):
                raise SystemExit("%s: a probe request got %s, not 2xx: %s" % (label, probe.status_code, probe.text[:300]))
        rounds = {label: [] for label, _url, _headers in variants}
        for number in range(args.rounds):
            for label, url, headers in variants:
                print("wrk round %d/%d: %s (%ds, %d connections)" % (number + 1, args.rounds, label, args.seconds, args.connections), flush=True)
                rounds[label].append(run_wrk(wrk, url, headers, args.seconds, args.connections, args.threads, workdir,
                                             server_of.get(label, receiver_server.proc.pid)))
                time.sleep(0.5)
        for label, runs in rounds.items():
            results[label] = summarise(runs, rounds[BARE])
        print("latency of normal callbacks while %d clients trickle their bodies" % args.tricklers, flush=True)
        slow = trickle_latency(port, base + "/basic", {"Authorization": basic_header()}, args.tricklers, args.probes)
        print("the same against the receiver under gunicorn", flush=True)
        slow_gunicorn = trickle_latency(gunicorn_port, "http://127.0.0.1:%d/basic" % gunicorn_port, {"Authorization": basic_header()},
                                        args.tricklers, args.probes)
    load_after = os.getloadavg()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    size = db.stat().st_size + sum(path.stat().st_size for path in workdir.glob("events.db-*"))
    rows = []
    for label, row in results.items():
        low, high = row["throughput_ratio_spread"]
        p99_low, p99_high = row["p99_ms_spread"]
        cpu = row["server_cpu_ms_per_request"]
        rows.append((label, "%.0f" % row["requests_per_second"], "%.2f" % row["throughput_ratio"], "%.2f–%.2f" % (low, high),
                     "%.1f" % row["p50_ms"], "%.1f" % row["p99_ms"], "%.0f–%.0f" % (p99_low, p99_high), "%.2f" % row["p99_ratio"],
                     "%.3f" % cpu if cpu else "?", row["non_2xx"], (row["socket_errors"] or "none").replace("Socket errors: ", "")))
    per_event = size / events if events else None
    growth = {"events_stored": events, "database_bytes": size, "bytes_per_event": per_event,
              "megabytes_per_million_events": per_event * 1e6 / 1e6 if per_event else None, "extrapolated": True}
    for row in results.values():
        row.pop("raw", None)
    write_results("receiver", {"settings": vars(args), "results": results, "database": growth, "trickling": slow, "trickling_gunicorn": slow_gunicorn,
                               "load_average_before": load_before, "load_average_after": load_after},
                  markdown_table(["variant", "events/s", "× bare", "× bare, lowest–highest round", "p50 ms", "p99 ms",
                                  "p99 ms, lowest–highest round", "p99 × bare", "server CPU ms/request", "non-2xx", "socket errors"], rows),
                  notes=["wrk on loopback, %d threads, %d connections, %ds per variant and round, %d rounds alternated; medians over the rounds, "
                         "each ratio taken against the bare app of the same round. %d workers for every server: gunicorn's sync workers for the bare app, "
                         "granian (cpaas-receiver's default) for the receiver, gunicorn's threaded workers for the gunicorn variant."
                         % (args.threads, args.connections, args.seconds, args.rounds, args.workers),
                         "Load average (1, 5, 15 min) before: %.2f %.2f %.2f; after: %.2f %.2f %.2f, on %d CPUs."
                         % (*load_before, *load_after, os.cpu_count()),
                         "Server CPU ms/request: user plus system time of the server's processes (the master and its workers) "
                         "during a wrk run, divided by the requests answered in it (median over the rounds). The bare app's "
                         "sync workers close each connection, so its figure includes a connection per request.",
                         "While %d clients trickled their bodies (one byte every 0.5 s), %d normal basic-auth callbacks, one after the other: "
                         "p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d of them answered 2xx (granian). Under gunicorn: p50 %.1f ms, "
                         "p99 %.1f ms, max %.1f ms; %d answered 2xx."
                         % (slow["tricklers"], slow["requests"], slow["p50_ms"], slow["p99_ms"], slow["max_ms"], slow["answered"],
                            slow_gunicorn["p50_ms"], slow_gunicorn["p99_ms"], slow_gunicorn["max_ms"], slow_gunicorn["answered"]),
                         "wrk caps latency at its 2 s timeout: a variant whose requests time out shows them as socket errors.",
                         "Each event is a Twilio-shaped form POST of %d bytes." % len("&".join("%s=%s" % kv for kv in PARAMS.items())),
                         "Database growth: %d events stored in %.1f MB (after a WAL checkpoint): about %.0f bytes per event, "
                         "so about %.0f MB per million events (extrapolated linearly from this sample, indexes included)."
                         % (events, size / 1e6, per_event or 0, (per_event or 0) * 1e6 / 1e6)])
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
