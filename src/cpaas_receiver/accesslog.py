"""Access logs without secrets: query values, referrers and credentials are masked.

A token sent in a query string (``/hook?token=...``) would otherwise be written to the
log in the request line. gunicorn is given :class:`ReceiverLogger` (``logger_class``);
Flask's development server, :class:`DevRequestHandler`. The event stored for a request
keeps its full query (the token-protected API and page show it); logs do not.

gunicorn builds every atom it knows for each line (each request header, response header
and environment variable) whatever the format uses; cpaas-receiver logs gunicorn's
default format, so :class:`ReceiverLogger` builds only the atoms of that format.
"""

from __future__ import annotations

import time
import traceback

from gunicorn.config import AccessLogFormat
from gunicorn.glogging import Logger
from werkzeug.serving import WSGIRequestHandler

from .credentials import mask_query, mask_url, parse_basic_auth

# Request header atoms ({name}i) whose value is a credential or may carry one.
SECRET_HEADER_ATOMS = ("{authorization}i", "{proxy-authorization}i", "{cookie}i")


class ReceiverLogger(Logger):
    """gunicorn's logger, with every atom that may hold a secret masked."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        if self.cfg.access_log_format != AccessLogFormat.default:
            super().access(resp, req, environ, request_time)
            return
        try:
            self.access_log.info(AccessLogFormat.default, self.default_atoms(resp, environ))
        except Exception:  # noqa: BLE001 - as gunicorn does: a line that cannot be written is an error-log entry
            self.error(traceback.format_exc())

    def default_atoms(self, resp, environ):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        return default_atoms(environ, status, getattr(resp, "sent", None), self.now())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = "%s %s %s" % (environ.get("REQUEST_METHOD"), mask_query(environ.get("RAW_URI") or ""), environ.get("SERVER_PROTOCOL"))
        atoms["q"] = mask_query("?" + (environ.get("QUERY_STRING") or ""))[1:]
        atoms["f"] = mask_url(environ.get("HTTP_REFERER", "-"))
        if "{referer}i" in atoms:
            atoms["{referer}i"] = mask_url(atoms["{referer}i"])
        for name in SECRET_HEADER_ATOMS:
            if name in atoms:
                atoms[name] = "[redacted]"
        return atoms

    def _get_user(self, environ):
        return _basic_user(environ)


def _basic_user(environ):
    # gunicorn takes everything before ':' (or the whole value, when there is none,
    # which may be a password or a key); only a real user name is logged here.
    creds = parse_basic_auth(environ.get("HTTP_AUTHORIZATION"))
    return creds[0] or None if creds else None


def default_atoms(environ, status, sent, now):
    """The atoms of gunicorn's default format, masked as :meth:`ReceiverLogger.atoms` masks
    them and escaped as gunicorn's ``SafeAtoms`` escapes them."""
    atoms = {
        "h": environ.get("REMOTE_ADDR", "-"),
        "l": "-",
        "u": _basic_user(environ) or "-",
        "t": now,
        "r": "%s %s %s" % (environ.get("REQUEST_METHOD"), mask_query(environ.get("RAW_URI") or ""), environ.get("SERVER_PROTOCOL")),
        "s": status,
        "b": str(sent) if sent is not None else "-",
        "f": mask_url(environ.get("HTTP_REFERER", "-")),
        "a": environ.get("HTTP_USER_AGENT", "-"),
    }
    return {key: value.replace('"', '\\"') if isinstance(value, str) else value for key, value in atoms.items()}


def access_line(environ, status, sent, when):
    """The line gunicorn's default format would write for this request (for the granian front)."""
    now = time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(when))
    return AccessLogFormat.default % default_atoms(environ, status, sent, now)


class DevRequestHandler(WSGIRequestHandler):
    """The development server's request log, with query values masked."""

    def log_request(self, code="-", size="-"):
        # werkzeug writes self.path (or self.requestline for a bad request line)
        original_path, original_line = getattr(self, "path", None), self.requestline
        if original_path is not None:
            self.path = mask_query(original_path)
        self.requestline = mask_query(original_line)
        try:
            super().log_request(code, size)
        finally:
            self.requestline = original_line
            if original_path is not None:
                self.path = original_path
