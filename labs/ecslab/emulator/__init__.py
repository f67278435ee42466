"""The embedded AWS emulator: moto in server mode behind one lock, with reconcile hooks (see design.md)."""

from ecslab.emulator.server import SERVICE_ID, EmulatorApp, build_app, serve

__all__ = ["SERVICE_ID", "EmulatorApp", "build_app", "serve"]
