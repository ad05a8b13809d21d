"""``cpaas-receiver --config FILE [--host H] [--port N] [--db PATH|URL] [--workers N] [--dev-server]``

Serves the receiver with gunicorn (through its Python API); Flask's development
server runs only with ``--dev-server``. The event store is ``--db``, else
``CPAAS_RECEIVER_DATABASE``, else ``database`` in the config: a SQLite file, or a
``postgresql://`` URL (shown with its password masked).
"""

from __future__ import annotations

import argparse
import os
import sys

from .app import create_app
from .config import ConfigError, load_config
from .database import DATABASE_ENV, choose_database, is_postgres_url, mask_database_url
from .store import StoreError

DEFAULT_DB = "cpaas-receiver.db"


def build_parser():
    parser = argparse.ArgumentParser(prog="cpaas-receiver", description="Callback receiver: records, checks and shows every event.")
    parser.add_argument("--config", required=True, help="YAML configuration file")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8780, help="port to listen on (default 8780)")
    parser.add_argument("--db", help="event store: a SQLite file or a postgresql:// URL (default: $%s, else 'database' from the config,"
                        " else ./%s)" % (DATABASE_ENV, DEFAULT_DB))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--access-log", default="-", help="gunicorn access log file ('-' for stderr, default)")
    parser.add_argument("--dev-server", action="store_true", help="use Flask's development server instead of gunicorn")
    parser.add_argument("--check-config", action="store_true", help="validate the configuration and exit")
    return parser


def serve_gunicorn(app, host, port, workers, access_log):
    from gunicorn.app.base import BaseApplication

    class ReceiverApplication(BaseApplication):
        def load_config(self):
            settings = {
                "bind": "%s:%d" % ("[%s]" % host if ":" in host else host, port),
                "workers": workers,
                "worker_class": "sync",
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
    try:
        app = create_app(config, database)
    except StoreError as exc:
        print("cpaas-receiver: %s" % exc, file=sys.stderr)
        return 2
    if args.dev_server:
        from .accesslog import DevRequestHandler

        app.run(host=args.host, port=args.port, debug=False, use_reloader=False, threaded=True, request_handler=DevRequestHandler)
    else:
        serve_gunicorn(app, args.host, args.port, args.workers, args.access_log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
