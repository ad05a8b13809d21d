# -*- coding: utf-8 -*-
# Copyright (c) cpaas.callbacks contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Internal use only: not a public API of this collection; may change without notice.
"""A deadline for a whole HTTP exchange with requests.

requests' read timeout bounds each read from the socket, not the answer: an endpoint
that sends one byte a second never trips it. Within ``with Deadline(seconds):`` every
socket that the session opens (or reuses) is registered, and when the time is up a
timer shuts them down, so the blocked read returns at once and ``expired`` says why.
"""

from __future__ import annotations

import socket
import threading

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    HAS_URLLIB3 = True
except ImportError:  # the caller reports the missing requests with missing_required_lib
    HAS_URLLIB3 = False

_CURRENT = threading.local()


class Deadline(object):
    """``with Deadline(seconds) as deadline:`` ... ``deadline.expired``."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = None

    def __enter__(self):
        _CURRENT.deadline = self
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        _CURRENT.deadline = None
        with self._lock:
            self._sockets = []

    def watch(self, sock):
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shutdown(sock)

    def _expire(self):
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass  # already closed, or handed over to a TLS socket (registered in its turn)


def _watch(sock):
    deadline = getattr(_CURRENT, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


def _watched(connection_class):
    class Watched(connection_class):
        def _new_conn(self):
            sock = super(Watched, self)._new_conn()
            _watch(sock)  # the plain socket: covers a TLS handshake too
            return sock

        def connect(self):
            super(Watched, self).connect()
            _watch(self.sock)  # the TLS socket that replaced it

        def request(self, *args, **kwargs):
            _watch(self.sock)  # a kept-alive connection opened under an earlier deadline
            return super(Watched, self).request(*args, **kwargs)

    return Watched


def deadline_adapter():
    """An HTTPAdapter whose connections obey the current Deadline."""

    class WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = _watched(HTTPConnection)

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _watched(HTTPSConnection)

    class DeadlineAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}

    return DeadlineAdapter()
