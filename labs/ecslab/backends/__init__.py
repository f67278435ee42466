"""The three backends: where boto3 clients point, how long waits last and what must hold before a lab creates
anything. `for_config` gives the one a configuration names; the rest of the package asks that object."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecslab.backends.base import Backend
    from ecslab.config import Config


def for_config(config: Config) -> Backend:
    if config.backend == "aws":
        from ecslab.backends.aws import Aws

        return Aws(config)
    if config.backend == "localstack":
        from ecslab.backends.localstack import LocalStack

        return LocalStack(config)
    from ecslab.backends.emulator_backend import Emulador

    return Emulador(config)
