"""granian's target for test_front.py: the buffering front (front.py) around a WSGI app that
answers with the environ the front built, as JSON, so a test sees what the front makes of
granian's real scope. Run as ``python front_echo.py PORT LIMIT ACCESS_LOG``."""

from __future__ import annotations

import json
import os
import sys

from cpaas_receiver.front import AccessLog, BufferingFront

ENV_LIMIT = "FRONT_ECHO_LIMIT"
ENV_LOG = "FRONT_ECHO_ACCESS_LOG"


def echo(environ, start_response):
    shown = {key: value for key, value in environ.items() if isinstance(value, (str, int, bool))}
    shown["body"] = environ["wsgi.input"].read().decode("latin-1")
    data = json.dumps(shown).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def application():
    return BufferingFront(echo, int(os.environ[ENV_LIMIT]), body_timeout=10.0, threads=2, access_log=AccessLog(os.environ[ENV_LOG]))


if __name__ == "__main__":
    from granian import Granian

    os.environ[ENV_LIMIT], os.environ[ENV_LOG] = sys.argv[2], sys.argv[3]
    Granian("front_echo:application", factory=True, address="127.0.0.1", port=int(sys.argv[1]), interface="rsgi",
            workers=1, http="1", log_access=False).serve()
