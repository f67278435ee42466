"""The emulator's HTTP request handler keeping connections open between calls (and the Date header formatted once a
second).

werkzeug's development server closes the connection after every answer, because Python's http.server cannot skip a
body the application left unread before reading the next request (werkzeug drains the socket after each answer
instead). So every boto3 call opened a new TCP connection and the server a new thread for it: in a class, a good
share of both sides' CPU. Here the body is read whole before the application sees it (boto3 always says how long
it is, and a chunked body is read up to its end marker), so the stream is always at the next request, and the
connection stays open for the client's next call. Reading the whole body first also means a client still sending
its chunks never meets a closed socket. The application's answer is sent whole, with its length; an idle
connection is closed after IDLE_TIMEOUT seconds.
"""

from __future__ import annotations

import io
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from ecslab.emulator.handler import QuietRequestHandler

IDLE_TIMEOUT = 120.0  # seconds a client's open connection may wait for its next call
MAX_BODY = 64 << 20  # larger bodies (none in a lab) are left to the application, and close the connection
FAILED = b"ecslab: o emulador falhou ao responder; veja o log do emulador"

_dates: dict[str, tuple[int, str]] = {}  # "at": (second, its Date header)


class KeepAliveRequestHandler(QuietRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # the answer's head and body go in two writes: no 40 ms wait for an ACK
    keep_open = False

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        self.keep_open = False
        if environ.get("wsgi.input_terminated"):  # chunked: werkzeug's stream reads it up to its end marker
            return self._read_chunked(environ)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return environ
        if 0 <= length <= MAX_BODY:
            environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
            self.keep_open = True
        return environ

    def _read_chunked(self, environ: dict[str, Any]) -> dict[str, Any]:
        stream = environ["wsgi.input"]
        try:
            body = stream.read(MAX_BODY + 1)
        except OSError:  # a malformed chunk: the application sees an empty body, and the connection closes
            environ["wsgi.input"] = io.BytesIO(b"")
            return environ
        if len(body) <= MAX_BODY:
            environ["wsgi.input"] = io.BytesIO(body)
            self.keep_open = True
        else:  # larger than any lab's: the application reads the rest, and the connection closes after it
            environ["wsgi.input"] = io.BufferedReader(_Prefixed(body, stream))
        return environ

    def run_wsgi(self) -> None:
        """One call: the application's answer, gathered, then sent with its length ("100 Continue", when asked
        for, was already sent by http.server)."""
        self.environ = environ = self.make_environ()
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            if exc_info and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers]
            return _no_write

        try:
            result = self.server.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:  # the middleware answers every AWS error itself; this is a bug in the emulator
            traceback.print_exc(file=sys.stderr)
            started[:] = ["500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")]]
            body, self.keep_open = FAILED, False
        status, headers = started
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        head = environ["REQUEST_METHOD"] == "HEAD"
        for key, value in headers:
            if key.lower() not in ("connection", "transfer-encoding") and not (
                    key.lower() == "content-length" and not head):
                self.send_header(key, value)
        if not head:
            self.send_header("Content-Length", str(len(body)))
        if not self.keep_open:
            self.send_header("Connection", "close")  # and http.server closes it after this answer
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, formatted once a second rather than for every answer."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        second = int(time.time())
        cached = _dates.get("at")
        if cached is None or cached[0] != second:
            cached = _dates["at"] = (second, super().date_time_string(second))
        return cached[1]


def _no_write(data: bytes) -> None:
    raise NotImplementedError("the emulator's applications return their answer; they never call write()")


class _Prefixed(io.RawIOBase):
    """A stream that gives the bytes already read, then the rest of the stream they came from."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self._head:
            n = min(len(buf), len(self._head))
            buf[:n], self._head = self._head[:n], self._head[n:]
            return n
        return self._rest.readinto(buf)
