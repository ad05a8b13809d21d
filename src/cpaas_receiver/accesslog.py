"""Access logs without secrets: query values, referrers and credentials are masked.

A token sent in a query string (``/hook?token=...``) would otherwise be written to the
log in the request line. gunicorn is given :class:`ReceiverLogger` (``logger_class``);
Flask's development server, :class:`DevRequestHandler`. The event stored for a request
keeps its full query (the token-protected API and page show it); logs do not.
"""

from __future__ import annotations

from gunicorn.glogging import Logger
from werkzeug.serving import WSGIRequestHandler

from .credentials import mask_query, mask_url, parse_basic_auth

# Request header atoms ({name}i) whose value is a credential or may carry one.
SECRET_HEADER_ATOMS = ("{authorization}i", "{proxy-authorization}i", "{cookie}i")


class ReceiverLogger(Logger):
    """gunicorn's logger, with every atom that may hold a secret masked."""

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
        # gunicorn takes everything before ':' (or the whole value, when there is none,
        # which may be a password or a key); only a real user name is logged here.
        creds = parse_basic_auth(environ.get("HTTP_AUTHORIZATION"))
        return creds[0] or None if creds else None


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
