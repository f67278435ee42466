"""Small fixes to moto 5.2.5 for calls the labs make that would otherwise answer HTTP 500.

The behaviour layer (a later piece) replaces more of moto; these only turn crashes into AWS's answers.
"""

from __future__ import annotations

from typing import Any

_applied = False


def apply_patches() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    _patch_describe_capacity_providers()


def _patch_describe_capacity_providers() -> None:
    """``DescribeCapacityProviders`` with no names lists every provider (AWS), instead of a TypeError."""
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.describe_capacity_providers

    def describe_capacity_providers(self: Any, names: list[str] | None) -> Any:
        if not names:
            names = list(self.capacity_providers.keys())
        return original(self, names)

    EC2ContainerServiceBackend.describe_capacity_providers = describe_capacity_providers  # type: ignore[method-assign]
