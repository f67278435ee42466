"""The emulator's ECS behaviour layer: a simulated clock and a reconcile step that makes moto's ECS objects live.

Public interface: `install()` (patch moto, once), `reconcile()` (bring the world up to now; call under the
server's lock before each request) and `wrap(app)` (a WSGI middleware doing both, plus AWS-shaped errors).
Importing this package is cheap: moto is imported by `install()`, and `reconcile()` does nothing before it.
"""

from __future__ import annotations

from ecslab.behaviour.middleware import wrap

_installed = False


def install() -> None:
    global _installed
    from ecslab.behaviour import moto_patches

    moto_patches.install()
    _installed = True


def installed() -> bool:
    return _installed


def reconcile() -> None:
    if not _installed:
        return
    from ecslab.behaviour import simulation_pass

    simulation_pass.reconcile()


__all__ = ["install", "installed", "reconcile", "wrap"]
