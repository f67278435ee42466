"""The emulator reads request headers without the email package, into the very message email's parser builds."""

from __future__ import annotations

import email.parser
import http.client
import io
import random

import pytest

from ecslab.emulator.speedups import headers

PIECES = [b"Host", b"X-Amz-Target", b"Content-Length", b"a", b":", b": ", b":  ", b" ", b"\t", b"valor", b"v a l",
          b"\xe9", b"\x00", b"\r", b"From ", b"AWS4-HMAC-SHA256 Credential=x/y", b"=", b";"]


def by_email(block: bytes) -> http.client.HTTPMessage:
    lines = http.client._read_headers(io.BytesIO(block))
    return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(b"".join(lines).decode("iso-8859-1"))


def state(message: http.client.HTTPMessage) -> dict:
    """Everything the message holds (defects by kind: they compare by identity)."""
    return {**vars(message), "defects": [type(defect) for defect in message.defects]}


def random_block(rng: random.Random) -> bytes:
    lines = []
    for _ in range(rng.randint(0, 6)):
        line = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 5)))
        lines.append(line + rng.choice([b"\r\n", b"\n", b"\r\n", b"\r\n"]))
    return b"".join(lines) + rng.choice([b"\r\n", b"\r\n", b"\n", b""])


@pytest.mark.parametrize("block", [
    b"Host: 127.0.0.1:5000\r\nX-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters\r\n"
    b"Content-Length: 2\r\n\r\n",
    b"A:  b \r\nA: c\r\nB:\r\nC:\td\te\r\n\r\n",  # trailing blanks kept, a name twice, an empty value, tabs
    b"Host: a\n\n",
    b"\r\n",
    b"Continued: a\r\n b\r\n\r\n",  # the rest: the email parser
    b"Latin: caf\xe9\r\n\r\n",
    b"no colon\r\n\r\n",
    b"Host: a\r\n",  # no blank line
])
def test_header_blocks_read_as_email_reads_them(block):
    fast = headers.parse_headers(io.BytesIO(block))
    assert state(fast) == state(by_email(block))
    assert fast.items() == by_email(block).items()


def test_random_header_blocks_read_as_email_reads_them():
    rng = random.Random(7)
    plain = 0
    for _ in range(3000):
        block = random_block(rng)
        lines = http.client._read_headers(io.BytesIO(block))
        plain += headers.plain_message(lines, http.client.HTTPMessage) is not None
        assert state(headers.parse_headers(io.BytesIO(block))) == state(by_email(block)), block
    assert plain > 300  # both ways were compared


def test_http_server_reads_headers_this_way_once_installed(monkeypatch):
    import http.server

    made = []
    monkeypatch.setattr(headers, "plain_message", lambda lines, cls: made.append(lines))  # None: email's way after
    monkeypatch.setattr(http.client, "parse_headers", http.client.parse_headers)  # put back afterwards
    headers.install()
    handler = http.server.BaseHTTPRequestHandler.__new__(http.server.BaseHTTPRequestHandler)
    handler.raw_requestline = b"POST / HTTP/1.1\r\n"
    handler.rfile = io.BytesIO(b"Content-Length: 3\r\n\r\nabc")
    handler.request_version = "HTTP/1.1"
    assert handler.parse_request()
    assert handler.headers["Content-Length"] == "3" and made == [[b"Content-Length: 3\r\n", b"\r\n"]]
