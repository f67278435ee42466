"""The emulator's speed-ups: each one makes a call cheaper and changes no answer. They are kept apart from the
behaviour layer (which changes what moto answers) and listed here, each with what it replaces.

`ECSLAB_SEM_ACELERACAO=1` starts the emulator with none of them (moto's and werkzeug's own code everywhere), to
tell a speed-up's bug from a behaviour bug; a comma-separated list of names (`ECSLAB_SEM_ACELERACAO=xml_writer,
headers`) leaves out only those. tests/behaviour runs its HTTP tests against such an emulator too (the
`sem_aceleracao` marker).

Where each is applied:
- "server": before the server starts (emulator.server.serve);
- "moto": once moto's models are imported, after the behaviour layer (EmulatorApp.warm_up);
- "app": when the WSGI application or the request handler is chosen (`dispatcher`, `request_handler`).

Importing this package imports nothing of moto; each speed-up's module is imported when it is applied.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ecslab.behaviour.patching import Patch, apply

ENV = "ECSLAB_SEM_ACELERACAO"
ALL_OFF = ("1", "true", "sim", "yes", "todas")


@dataclass(frozen=True)
class Speedup:
    name: str
    replaces: str  # what runs instead when it is off
    module: str  # under ecslab.emulator.speedups; its PATCHES (if any) are the functions it replaces
    stage: str  # "server", "moto" or "app"

    def load(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")

    def patches(self) -> tuple[Patch, ...]:
        return tuple(getattr(self.load(), "PATCHES", ()))

    def install(self) -> None:
        """Apply its patches, whatever ECSLAB_SEM_ACELERACAO says (module `install` heeds it)."""
        for patch in self.patches():
            apply(patch)


SPEEDUPS: tuple[Speedup, ...] = (
    Speedup("headers", "http.client.parse_headers: the email package's parser for every request's headers",
            "headers", "server"),
    Speedup("keep_alive", "werkzeug's request handler, which closes the connection after every answer",
            "keep_alive", "app"),
    Speedup("direct_dispatch", "Flask's request and app contexts, URL matching and response for every call "
            "(moto's server)", "direct", "app"),
    Speedup("serializer", "moto's response serializer working out alias lists, transformers, methods and "
            "timestamps anew for every member answered", "serializer", "moto"),
    Speedup("xml_writer", "xmltodict.unparse writing every query-protocol answer through xml.sax", "xml_writer",
            "moto"),
    Speedup("ec2_tags", "moto's regular-expression scan of every EC2 tag to read one resource's tags",
            "ec2_tags", "moto"),
    Speedup("request_routing", "moto listing its package folder, a response class's methods and every partition's "
            "IAM on every call", "request_routing", "moto"),
    Speedup("metric_index", "moto's scan of every CloudWatch datapoint of the region for each "
            "get_metric_statistics", "metric_index", "moto"),
    Speedup("task_status", "moto's Task.last_status property (a state-manager lookup per read)", "task_status",
            "moto"),
)


def switched_off() -> set[str]:
    """The names ECSLAB_SEM_ACELERACAO leaves out (every name for "1")."""
    value = (os.environ.get(ENV) or "").strip()
    if not value or value.lower() in ("0", "false", "nao", "não", "no"):
        return set()
    if value.lower() in ALL_OFF:
        return {speedup.name for speedup in SPEEDUPS}
    return {name.strip() for name in value.split(",") if name.strip()}


def named(name: str) -> Speedup:
    for speedup in SPEEDUPS:
        if speedup.name == name:
            return speedup
    raise KeyError(f"no speed-up named {name!r}")


def enabled(name: str) -> bool:
    return named(name).name not in switched_off()


def install(stage: str) -> list[str]:
    """Apply the patches of every enabled speed-up of this stage; returns their names."""
    applied = []
    for speedup in SPEEDUPS:
        if speedup.stage == stage and enabled(speedup.name):
            speedup.install()
            applied.append(speedup.name)
    return applied


def dispatcher(app: Any) -> Any:
    """The WSGI application that answers AWS calls: moto's dispatcher, or the direct one in front of it."""
    if not enabled("direct_dispatch"):
        return app
    from ecslab.emulator.speedups.direct import DirectDispatcher

    return DirectDispatcher(app)


def request_handler() -> type:
    if not enabled("keep_alive"):
        from ecslab.emulator.handler import QuietRequestHandler

        return QuietRequestHandler
    from ecslab.emulator.speedups.keep_alive import KeepAliveRequestHandler

    return KeepAliveRequestHandler


def active() -> list[str]:
    return [speedup.name for speedup in SPEEDUPS if enabled(speedup.name)]
