"""Request headers read without the email package.

http.server reads every request's header block through `http.client.parse_headers`, which hands it to email's feed
parser: a tenth of the emulator's CPU for a small call. The lines every AWS SDK sends are plain `Name: value` in
ASCII, and for those the message the parser would build is made directly; anything else (a continued line, a line
without a name, other bytes, no blank line at the end) still goes through the email parser. The emulator's process
installs this before it serves (emulator.speedups, "headers").
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import Any

from ecslab.behaviour.patching import Patch, apply, replace

PLAIN = re.compile(rb"([\x21-\x39\x3b-\x7e]+):[ \t]*([\x20-\x7e\t]*?)\r?\n")  # what email's header line holds
END = (b"\r\n", b"\n")


def parse_headers(fp: Any, _class: type = http.client.HTTPMessage) -> http.client.HTTPMessage:
    lines = http.client._read_headers(fp)  # the same limits on line length and count
    message = plain_message(lines, _class)
    if message is None:
        return email.parser.Parser(_class=_class).parsestr(b"".join(lines).decode("iso-8859-1"))
    return message


def plain_message(lines: list[bytes], message_class: type) -> Any:
    """The message email's parser makes of these header lines (ending with the blank line), or None when they are
    not all plain."""
    if not lines or lines[-1] not in END:
        return None
    headers = []
    for line in lines[:-1]:
        match = PLAIN.fullmatch(line)
        if match is None:
            return None
        headers.append((match[1].decode("ascii"), match[2].decode("ascii")))
    message = message_class()
    message._headers = headers
    message.set_payload("")
    return message


PATCHES: tuple[Patch, ...] = (
    Patch(http.client, "parse_headers", "(fp, _class=<class 'http.client.HTTPMessage'>)",
          replace(parse_headers),
          "email's feed parser for every request's header block (http.server reads headers through it)"),
)


def install() -> None:
    for patch in PATCHES:
        apply(patch)
