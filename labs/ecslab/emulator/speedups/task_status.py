"""A task's lastStatus read straight from the value moto stores.

moto's `Task.last_status` is a property that asks moto's state manager for the model's transitions on every read;
the simulation reads it for every task in every pass (its hottest line). The behaviour layer turns the `ecs::task`
transitions off (behaviour.moto_patches.SETTINGS), so the stored value is the status.
"""

from __future__ import annotations

from typing import Any

from ecslab.behaviour import state
from ecslab.behaviour.patching import Patch, replace


def stored_status(task: Any) -> str:
    value = task.__dict__.get("_status")
    return value if value is not None else task.last_status


PATCHES: tuple[Patch, ...] = (
    Patch(state, "status", "(task: 'Any') -> 'str'", replace(stored_status),
          "moto's Task.last_status property, which asks the state manager on every read"),
)
