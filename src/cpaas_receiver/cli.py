"""``cpaas-receiver --config FILE [--host H] [--port N] [--db PATH|URL] [--server granian|gunicorn] [--workers N] [--threads N]``
``[--body-timeout S] [--dev-server]``

Serves the receiver with granian (the default) or gunicorn, through their Python APIs;
Flask's development server runs only with ``--dev-server``. The event store is ``--db``,
else ``CPAAS_RECEIVER_DATABASE``, else ``database`` in the config: a SQLite file, or a
``postgresql://`` URL (shown with its password masked).

granian (front.py): HTTP in Rust, each body read in the event loop before a thread of the
worker's pool runs the app, so a slow client holds a coroutine, never a thread. gunicorn's
threaded workers (``gthread``, ``--server gunicorn``): a client that trickles its body holds one
thread of one worker (for ``--body-timeout`` seconds at most). Either way, with SQLite the
threads of a worker share one group commit (see store.py); PostgreSQL has no group commit
(store_postgres.py serialises inserts with an advisory lock).
"""

from __future__ import annotations

import argparse
import os
import sys

from .app import BODY_TIMEOUT, create_app
from .config import ConfigError, load_config
from .database import DATABASE_ENV, choose_database, is_postgres_url, mask_database_url
from .store import StoreError

DEFAULT_DB = "cpaas-receiver.db"
SERVERS = ("granian", "gunicorn")
HEADER_BUFFER_BYTES = 64 * 1024
# granian's threads only run the app (bodies are read before, in the event loop): 16 keep
# both cores busy and the group commit full. gunicorn's threads also wait for bodies, so it
# needs one per slow client it should outlast.
DEFAULT_THREADS = {"granian": 16, "gunicorn": 64}


def build_parser():
    parser = argparse.ArgumentParser(prog="cpaas-receiver", description="Callback receiver: records, checks and shows every event.")
    parser.add_argument("--config", required=True, help="YAML configuration file")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8780, help="port to listen on (default 8780)")
    parser.add_argument("--db", help="event store: a SQLite file or a postgresql:// URL (default: $%s, else 'database' from the config,"
                        " else ./%s)" % (DATABASE_ENV, DEFAULT_DB))
    parser.add_argument("--server", choices=SERVERS, default=SERVERS[0],
                        help="HTTP server: granian (default; slow clients wait in its event loop) or gunicorn (threaded workers)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--threads", type=int,
                        help="threads per worker: requests the application handles at once in each (default %(granian)d with granian,"
                        " %(gunicorn)d with gunicorn)" % DEFAULT_THREADS)
    parser.add_argument("--body-timeout", type=float, default=BODY_TIMEOUT,
                        help="seconds a client may take to send a request body before it is refused 408 (default %g)" % BODY_TIMEOUT)
    parser.add_argument("--access-log", default="-", help="access log file ('-' for stderr, default)")
    parser.add_argument("--dev-server", action="store_true", help="use Flask's development server instead of granian or gunicorn")
    parser.add_argument("--check-config", action="store_true", help="validate the configuration and exit")
    return parser


def serve_gunicorn(app, host, port, workers, access_log, threads=None):
    """Serve ``app``; ``threads=None`` keeps gunicorn's sync workers (the benchmark's bare app)."""
    from gunicorn.app.base import BaseApplication

    class ReceiverApplication(BaseApplication):
        def load_config(self):
            settings = {
                "bind": "%s:%d" % ("[%s]" % host if ":" in host else host, port),
                "workers": workers,
                "worker_class": "gthread" if threads else "sync",
                "threads": threads or 1,
                # every thread may hold a connection, plus room for kept-alive ones
                "worker_connections": max(1000, 4 * (threads or 1)),
                "accesslog": access_log,
                "logger_class": "cpaas_receiver.accesslog.ReceiverLogger",  # query values masked
                "errorlog": "-",
                "timeout": 60,
                "proc_name": "cpaas-receiver",
                "forwarded_allow_ips": "127.0.0.1,::1",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    ReceiverApplication().run()


def serve_granian(config_path, database, args):
    """Serve the buffering front (front.py) with granian: ``args.workers`` processes, each
    building its own app from the settings passed in its environment."""
    from granian import Granian
    from granian.http import HTTP1Settings

    from . import front

    os.environ.update({
        front.ENV_CONFIG: os.path.abspath(config_path), front.ENV_DATABASE: database,
        front.ENV_BODY_TIMEOUT: repr(args.body_timeout), front.ENV_THREADS: str(args.threads),
        front.ENV_ACCESS_LOG: args.access_log,
    })
    Granian("cpaas_receiver.front:application", factory=True, address=args.host, port=args.port, interface="rsgi",
            workers=args.workers, http="1", log_access=False,
            # request line and headers together: 64 KiB (granian's default, 408 KiB, let one event store that much)
            http1_settings=HTTP1Settings(max_buffer_size=HEADER_BUFFER_BYTES)).serve()


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print("cpaas-receiver: %s" % exc, file=sys.stderr)
        return 2
    database = choose_database(args.db, os.environ, config.database, DEFAULT_DB)
    shown = mask_database_url(database) if is_postgres_url(database) else os.path.abspath(database)
    if args.check_config:
        print("configuration OK: %d endpoint(s), database %s" % (len(config.endpoints), shown))
        return 0
    if args.threads is None:
        args.threads = DEFAULT_THREADS[args.server]
    if args.threads < 1 or args.workers < 1 or args.body_timeout <= 0:
        print("cpaas-receiver: --workers and --threads must be at least 1, --body-timeout greater than 0", file=sys.stderr)
        return 2
    try:
        app = create_app(config, database)
    except StoreError as exc:
        print("cpaas-receiver: %s" % exc, file=sys.stderr)
        return 2
    app.config["RECEIVER_BODY_TIMEOUT"] = args.body_timeout
    if args.dev_server:
        from .accesslog import DevRequestHandler

        app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True, request_handler=DevRequestHandler)
    elif args.server == "gunicorn":
        serve_gunicorn(app, args.host, args.port, args.workers, args.access_log, threads=args.threads)
    else:
        # Built here all the same: a store that cannot be opened exits 2 with its reason, and the
        # schema is created or migrated once, before the workers start; each worker opens its own.
        app.store.close()
        serve_granian(args.config, database, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
