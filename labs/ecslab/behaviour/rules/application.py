"""The simulated application inside every container: what it answers over HTTP.

No container runs in the emulator, so a health check needs a stand-in for the application. It behaves like the
default page of a common web image (nginx, httpd): `200` on `/` and `/index.html`, `404` on any other path. It
listens on the container ports of the task definition's port mappings and nowhere else.
"""

from __future__ import annotations

SERVED_PATHS = ("/", "/index.html")
OK, NOT_FOUND = 200, 404


def status_for(path: str) -> int:
    return OK if (path or "/").split("?")[0] in SERVED_PATHS else NOT_FOUND


def matcher_accepts(matcher: str, code: int) -> bool:
    """An ELB matcher ("200", "200-299", "200,302") accepts the code?"""
    for part in (matcher or "200").split(","):
        low, _, high = part.strip().partition("-")
        try:
            if int(low) <= code <= int(high or low):
                return True
        except ValueError:
            continue
    return False
