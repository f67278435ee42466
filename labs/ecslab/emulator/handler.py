"""The emulator's plain HTTP request handler: moto's (it keeps underscores in S3 metadata headers), quiet.

Used as it is when the speed-ups are off (ECSLAB_SEM_ACELERACAO); otherwise the speed-up "keep_alive" extends it
(emulator.speedups.keep_alive).
"""

from __future__ import annotations

from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler


class QuietRequestHandler(MotoRequestHandler):
    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # one line per call would grow the log without bound in a long-lived emulator
