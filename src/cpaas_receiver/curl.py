"""An event as a curl command, to replay it against one's own service.

Headers and body as received; credentials are placeholders (the receiver never
stored them), and headers that curl sets itself (Host, Content-Length) are left out.
"""

from __future__ import annotations

LEFT_OUT = {"host", "content-length", "connection", "transfer-encoding"}
BASIC_PLACEHOLDER = "-u \"$CALLBACK_USER:$CALLBACK_PASSWORD\""
BEARER_PLACEHOLDER = "-H \"Authorization: Bearer $CALLBACK_TOKEN\""
OTHER_AUTH_PLACEHOLDER = "-H \"Authorization: $CALLBACK_AUTHORIZATION\""


def shell_quote(text):
    """Quoted for a POSIX shell; ANSI-C quoting ($'...') when control characters must survive."""
    if all(ch.isprintable() or ch == "\n" for ch in text) and "\x00" not in text:
        return "'" + text.replace("'", "'\"'\"'") + "'"
    out = []
    for ch in text:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            out.extend("\\x%02x" % b for b in ch.encode("utf-8"))
    return "$'" + "".join(out) + "'"


def printf_quote(body):
    """A body as a printf format that writes it byte for byte (NUL and bytes that are not UTF-8 included)."""
    parts = []
    for byte in body:
        char = chr(byte)
        if char == "%":
            parts.append("%%")
        elif 0x20 <= byte < 0x7F and char not in "\\'":
            parts.append(char)
        else:
            parts.append("\\%03o" % byte)
    return "'" + "".join(parts) + "'"


def as_curl(event):
    """The curl command line (one string, continued over lines) that sends this event again."""
    lines = ["curl -X %s %s" % (shell_quote(event["method"]), shell_quote(event["url"] or event["path"]))]
    for name, value in event.get("headers") or []:
        lowered = name.lower()
        if lowered in LEFT_OUT or value == "[redacted]":
            continue
        if lowered == "authorization":
            scheme = value.split(" ", 1)[0].lower()
            # placeholders in double quotes: the shell fills them in from the environment
            lines.append({"basic": BASIC_PLACEHOLDER, "bearer": BEARER_PLACEHOLDER}.get(scheme, OTHER_AUTH_PLACEHOLDER))
            continue
        lines.append("-H " + shell_quote("%s: %s" % (name, value)))
    body = event.get("body") if event.get("body_stored") else None
    prefix = ""
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            lines.append("--data-binary " + shell_quote(text))
        else:  # a shell string cannot hold NUL: printf writes the exact bytes to curl's stdin
            prefix = "printf %s |\n" % printf_quote(body)
            lines.append("--data-binary @-")
    elif not event.get("body_stored"):
        lines.append("# the body (%s bytes) was over the size limit and was not stored" % event.get("body_size", "?"))
    return prefix + " \\\n  ".join(lines)
