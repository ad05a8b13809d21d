"""Thread-safe in-memory state of the sandbox: applications, request log, faults.

One ``SandboxState`` lives in ``app.extensions["cpaas_sandbox"].state``. Every public
method takes the lock and hands out copies, so callers never share a mutable record
with another thread. Compound operations (read, decide, write) can hold ``state.lock``
(re-entrant) around several calls.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections import deque
from typing import Any

from .faults import Fault

REQUEST_LOG_LIMIT = 10000


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._applications: dict[str, dict[str, dict[str, Any]]] = {}
        self._sequence: dict[str, dict[str, int]] = {}
        self._extra: dict[str, dict[str, Any]] = {}
        self._requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_LIMIT)
        self._faults: list[Fault] = []
        self._app_counter = itertools.count(1)
        self._request_counter = itertools.count(1)
        self._fault_counter = itertools.count(1)

    # -- reset ---------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self._applications.clear()
            self._sequence.clear()
            self._extra.clear()
            self._requests.clear()
            self._faults.clear()

    # -- applications ----------------------------------------------------------
    def add_application(self, provider: str, app_id: str, record: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            apps = self._applications.setdefault(provider, {})
            if app_id in apps:
                raise KeyError(f"{provider} application {app_id} already exists")
            apps[app_id] = copy.deepcopy(record)
            self._sequence.setdefault(provider, {})[app_id] = next(self._app_counter)
            return copy.deepcopy(record)

    def get_application(self, provider: str, app_id: str) -> dict[str, Any] | None:
        with self.lock:
            record = self._applications.get(provider, {}).get(app_id)
            return copy.deepcopy(record) if record is not None else None

    def list_applications(self, provider: str) -> list[dict[str, Any]]:
        """All applications of a provider in creation order."""
        with self.lock:
            return copy.deepcopy(list(self._applications.get(provider, {}).values()))

    def replace_application(self, provider: str, app_id: str, record: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            apps = self._applications.get(provider, {})
            if app_id not in apps:
                raise KeyError(f"{provider} application {app_id} does not exist")
            apps[app_id] = copy.deepcopy(record)
            return copy.deepcopy(record)

    def delete_application(self, provider: str, app_id: str) -> bool:
        with self.lock:
            return self._applications.get(provider, {}).pop(app_id, None) is not None

    def sequence_of(self, provider: str, app_id: str) -> int | None:
        """Creation order number of an application; kept after it is deleted (for page tokens)."""
        with self.lock:
            return self._sequence.get(provider, {}).get(app_id)

    def extra(self, provider: str) -> dict[str, Any]:
        """A provider's own scratch space (cleared by reset). Use it under ``state.lock``."""
        with self.lock:
            return self._extra.setdefault(provider, {})

    # -- request log -----------------------------------------------------------
    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry = dict(entry, id=next(self._request_counter))
            self._requests.append(entry)

    def requests(self, provider: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            entries = list(self._requests)
        if provider:
            entries = [e for e in entries if e["provider"] == provider]
        if method:
            entries = [e for e in entries if e["method"] == method.upper()]
        return copy.deepcopy(entries)

    def clear_requests(self) -> None:
        with self.lock:
            self._requests.clear()

    # -- faults ----------------------------------------------------------------
    def add_fault(self, fault: Fault) -> Fault:
        with self.lock:
            fault.id = next(self._fault_counter)
            self._faults.append(fault)
            return copy.copy(fault)

    def faults(self) -> list[Fault]:
        with self.lock:
            return [copy.copy(f) for f in self._faults]

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def delete_fault(self, fault_id: int) -> bool:
        with self.lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def take_fault(self, provider: str, method: str, path: str, after: bool) -> Fault | None:
        """Consume one use of the first fault that matches this request and phase."""
        with self.lock:
            for fault in self._faults:
                if fault.after == after and fault.matches(provider, method, path):
                    fault.hits += 1
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    return copy.copy(fault)
            return None
