"""``cpaas-sandbox``: serve the sandbox, or print the shell environment that points at it."""

from __future__ import annotations

import argparse
import sys

from .credentials import export_lines

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cpaas-sandbox",
        description="Local stand-in for the Twilio, Bandwidth, Vonage and Vobiz application APIs.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765; 0 picks a free one)")
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print shell export lines with every provider's API URL and credentials, then exit (no server)",
    )
    parser.add_argument("--url", help="base URL of a running sandbox for --print-env (default: http://HOST:PORT)")
    parser.add_argument("--quiet", action="store_true", help="no access log line per request")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_env:
        url = args.url or f"http://{args.host}:{args.port}"
        print("\n".join(export_lines(url)))
        return 0

    # imported here so --print-env stays fast and needs no Flask
    from .app import create_app
    from .server import build_server

    if args.host not in LOOPBACK:
        print(f"warning: listening on {args.host}, not loopback: anyone who can reach it can use the sandbox", file=sys.stderr)
    server = build_server(create_app(), args.host, args.port, quiet=args.quiet)
    print(f"cpaas-sandbox serving on http://{args.host}:{server.server_port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
