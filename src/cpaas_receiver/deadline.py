"""A deadline for reading a request body, whatever the client's pace.

A socket timeout bounds each read, not the whole body: a client sending one byte a
second never trips it. One watchdog thread per process keeps the deadlines of the
bodies being read; at a deadline it shuts the socket down for reading, so the blocked
read returns at once (end of stream) while the socket can still carry the answer.
Registering and cancelling cost a lock and a heap operation, no thread per request.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time


class Watch:
    """One body being read; ``expired`` is true once the watchdog cut it off."""

    __slots__ = ("sock", "deadline", "expired", "done")

    def __init__(self, sock, deadline):
        self.sock = sock
        self.deadline = deadline
        self.expired = False
        self.done = False


class Watchdog:
    def __init__(self):
        self._lock = threading.Condition()
        self._heap = []
        self._order = itertools.count()
        self._thread = None
        self._pid = None

    def _ensure_thread(self):
        # gunicorn forks its workers after the app is built: one thread per process.
        if self._thread is None or self._pid != os.getpid():
            self._heap = []
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="cpaas-receiver-body-deadline", daemon=True)
            self._thread.start()

    def watch(self, sock, seconds):
        entry = Watch(sock, time.monotonic() + seconds)
        with self._lock:
            self._ensure_thread()
            first = not self._heap or entry.deadline < self._heap[0][0]
            heapq.heappush(self._heap, (entry.deadline, next(self._order), entry))
            if first:
                self._lock.notify()
        return entry

    def cancel(self, entry):
        with self._lock:
            entry.done = True  # left in the heap; skipped when its time comes

    def _run(self):
        with self._lock:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._lock.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                _deadline, _order, entry = heapq.heappop(self._heap)
                entry.expired = True
                entry.done = True
                try:
                    entry.sock.shutdown(socket.SHUT_RD)
                except OSError:
                    pass  # already closed by the client


WATCHDOG = Watchdog()
