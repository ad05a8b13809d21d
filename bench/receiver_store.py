"""Receiver event stores: events/s and p99 latency with PostgreSQL beside SQLite, and with two
receivers sharing one PostgreSQL database, each as a ratio to SQLite measured in the same run
(variants alternated over several rounds, medians reported); then storage per million
events for each store, extrapolated from the events the runs stored.

Every receiver is served as the callback_receiver role serves it (``cpaas-receiver``:
granian, 2 workers of 16 application threads; on SQLite the threads of a worker share a group
commit, on PostgreSQL every insert is its own commit) on a generic endpoint (no checks), so the difference is the
store. PostgreSQL is a throwaway server on loopback (the tests' ``postgres_server``:
Debian's binaries, initdb in a temporary folder, stopped at the end).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

import psycopg
import yaml
from common import BIN, RESULTS, ROOT, free_port, markdown_table, write_results
from receiver import PARAMS, Server, ensure_wrk, run_wrk

sys.path.insert(0, str(ROOT / "tests" / "tools"))
from postgres_server import start_server  # noqa: E402 - the tests' helper, found through the path above

ADMIN = "bench-admin-token"
CONFIG = {"admin_token": ADMIN, "endpoints": [{"path": "/generic", "provider": "generic", "methods": ["POST"]}]}


def receiver_command(workdir, port, database, workers):
    return [str(BIN / "cpaas-receiver"), "--config", str(workdir / "receiver.yml"), "--host", "127.0.0.1", "--port", str(port),
            "--db", database, "--workers", str(workers), "--access-log", "/dev/null"]


def wrk_parallel(wrk, urls, seconds, connections, threads, workdir):
    """One wrk per URL at the same time, the connections split between them."""
    results = [None] * len(urls)

    def run(index, url):
        folder = workdir / ("wrk%d" % index)
        folder.mkdir(exist_ok=True)
        results[index] = run_wrk(wrk, url, {}, seconds, max(1, connections // len(urls)), max(1, threads // len(urls)), folder)

    runners = [threading.Thread(target=run, args=(i, url)) for i, url in enumerate(urls)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    return {
        "requests_per_second": sum(r["requests_per_second"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "non_2xx": sum(r["non_2xx"] for r in results),
        # the worse of the two receivers' p99 (wrk reports percentiles per run, they cannot be merged)
        "p99_ms": max(r["p99_ms"] for r in results if r["p99_ms"] is not None),
        "p50_ms": statistics.mean(r["p50_ms"] for r in results if r["p50_ms"] is not None),
        "socket_errors": "; ".join(r["socket_errors"] for r in results if r["socket_errors"]) or None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of all variants, alternated (default 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="worker processes per receiver (the role's default: 2)")
    args = parser.parse_args(argv)
    wrk = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    server = start_server()
    if server is None:
        raise SystemExit("PostgreSQL is missing: install Debian's postgresql package (apt-get install postgresql)")
    workdir = Path(tempfile.mkdtemp(prefix="cpaas-bench-store-"))
    try:
        (workdir / "receiver.yml").write_text(yaml.safe_dump(CONFIG))
        sqlite_db = str(workdir / "events.db")
        pg_one, pg_two = server.new_database(), server.new_database()
        ports = {name: free_port() for name in ("sqlite", "pg", "pg_a", "pg_b")}
        url = {name: "http://127.0.0.1:%d/generic" % port for name, port in ports.items()}
        servers = [
            Server(receiver_command(workdir, ports["sqlite"], sqlite_db, args.workers), ports["sqlite"], workdir / "sqlite.log"),
            Server(receiver_command(workdir, ports["pg"], pg_one, args.workers), ports["pg"], workdir / "pg.log"),
            Server(receiver_command(workdir, ports["pg_a"], pg_two, args.workers), ports["pg_a"], workdir / "pg_a.log"),
            Server(receiver_command(workdir, ports["pg_b"], pg_two, args.workers), ports["pg_b"], workdir / "pg_b.log"),
        ]
        variants = [
            ("SQLite, one receiver", lambda: run_wrk(wrk, url["sqlite"], {}, args.seconds, args.connections, args.threads, workdir)),
            ("PostgreSQL, one receiver", lambda: run_wrk(wrk, url["pg"], {}, args.seconds, args.connections, args.threads, workdir)),
            ("PostgreSQL, two receivers on one database",
             lambda: wrk_parallel(wrk, [url["pg_a"], url["pg_b"]], args.seconds, args.connections, args.threads, workdir)),
        ]
        runs = {label: [] for label, _run in variants}
        for server_process in servers:
            server_process.__enter__()
        try:
            for round_number in range(args.rounds):
                for label, run in variants:
                    print("round %d/%d: %s (%ds, %d connections)" % (round_number + 1, args.rounds, label, args.seconds, args.connections), flush=True)
                    result = run()
                    result.pop("raw", None)
                    runs[label].append(result)
        finally:
            for server_process in servers:
                server_process.__exit__(None, None, None)
        storage = measure_storage(sqlite_db, workdir, [pg_one, pg_two])
    finally:
        server.stop()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    report(args, runs, storage)
    return 0


def measure_storage(sqlite_db, workdir, pg_urls):
    import sqlite3

    with sqlite3.connect(sqlite_db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sqlite_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    sqlite_bytes = Path(sqlite_db).stat().st_size + sum(p.stat().st_size for p in workdir.glob("events.db-*"))
    pg_events = pg_bytes = 0
    for pg_url in pg_urls:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE events")
            pg_events += conn.execute("SELECT count(*) FROM events").fetchone()[0]
            # the table, its TOAST data and its indexes
            pg_bytes += conn.execute("SELECT pg_total_relation_size('events')").fetchone()[0]
    return {
        "SQLite": {"events_stored": sqlite_events, "bytes": sqlite_bytes},
        "PostgreSQL": {"events_stored": pg_events, "bytes": pg_bytes},
    }


def report(args, runs, storage):
    medians = {}
    for label, results in runs.items():
        medians[label] = {
            "requests_per_second": statistics.median(r["requests_per_second"] for r in results),
            "p99_ms": statistics.median(r["p99_ms"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "non_2xx": sum(r["non_2xx"] for r in results),
            "socket_errors": "; ".join(r["socket_errors"] for r in results if r["socket_errors"]) or None,
        }
    base = medians["SQLite, one receiver"]
    rows = []
    for label, row in medians.items():
        row["throughput_ratio"] = row["requests_per_second"] / base["requests_per_second"]
        row["p99_ratio"] = row["p99_ms"] / base["p99_ms"] if base["p99_ms"] else None
        rows.append((label, "%.0f" % row["requests_per_second"], "%.2f" % row["throughput_ratio"], "%.1f" % row["p50_ms"],
                     "%.1f" % row["p99_ms"], "%.2f" % row["p99_ratio"], row["non_2xx"],
                     (row["socket_errors"] or "none").replace("Socket errors: ", "")))
    storage_rows = []
    for store, figures in storage.items():
        per_event = figures["bytes"] / figures["events_stored"] if figures["events_stored"] else 0
        figures["bytes_per_event"] = per_event
        figures["megabytes_per_million_events"] = per_event  # bytes per event x 1e6 events / 1e6 bytes per MB
        figures["extrapolated"] = True
        storage_rows.append((store, figures["events_stored"], "%.1f" % (figures["bytes"] / 1e6), "%.0f" % per_event, "%.0f" % per_event))
    table = markdown_table(["store", "events/s (median)", "× SQLite", "p50 ms", "p99 ms", "p99 × SQLite", "non-2xx", "socket errors"], rows)
    table += "\n\n" + markdown_table(["store", "events in the sample", "MB", "bytes/event", "MB per million events (extrapolated)"],
                                     storage_rows)
    write_results("receiver_store", {"settings": vars(args), "runs": runs, "medians": medians, "storage": storage}, table, notes=[
        "wrk on loopback, %d threads, %d connections, %ds per run, %d rounds with the variants alternated; medians of the rounds."
        % (args.threads, args.connections, args.seconds, args.rounds),
        "Every receiver: cpaas-receiver's default server (granian) with %d workers (16 application threads each), "
        "a generic endpoint (no checks), Twilio-shaped form POSTs of %d bytes."
        % (args.workers, len("&".join("%s=%s" % kv for kv in PARAMS.items()))),
        "Two receivers: one wrk per receiver at the same time, half the connections each; events/s is their sum, p99 the worse"
        " of the two, p50 their mean. Both receivers, the database and wrk share the same CPUs, so this shows the cost of"
        " sharing a store, not the gain of a second machine.",
        "PostgreSQL: a local throwaway server (fsync on, default settings) on loopback; events are inserted one commit at a"
        " time, in id order (see docs/receiver.md).",
        "Storage: measured on the events these runs stored (SQLite after a WAL checkpoint; PostgreSQL: pg_total_relation_size"
        " of the events table after VACUUM, indexes and TOAST included), extrapolated linearly to a million events.",
    ])


if __name__ == "__main__":
    sys.exit(main())
