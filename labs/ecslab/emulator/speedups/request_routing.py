"""The work moto's server does again for every call though its answer never changes: listing its package folder on disk,
listing a response class's methods, and looking for the call's access key in IAMs that do not exist yet.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import moto.backends as moto_backends
import moto.core.responses as moto_responses
import moto.iam.models as iam_models

from ecslab.behaviour.patching import Patch


def module_list(original: Callable[..., Any]) -> Any:
    """moto's dispatcher lists its package folder on disk for every request whose host is not an AWS name."""
    modules = tuple(original())

    @functools.wraps(original)
    def cached() -> tuple[str, ...]:
        return modules

    return cached


def method_names(original: Callable[..., Any]) -> Any:
    """moto lists a response class's methods with inspect.getmembers for every request (8% of a class's time).
    A class's actions do not change once the layer is installed (ADDITIONS are added before any cached call)."""
    names: dict[type, frozenset[str]] = {}

    @functools.wraps(original)
    def cached(clazz: Any) -> frozenset[str]:
        found = names.get(clazz)
        if found is None:
            found = names[clazz] = frozenset(original(clazz))
        return found

    return cached


def account_id_from(original: Callable[..., str]) -> Any:
    """moto looks for the call's access key in the IAM of every partition of every account, and asking for an IAM
    that does not exist yet builds it, with its 1,300 managed policies: at the first call, five IAMs (aws-cn,
    aws-us-gov, …) that no lab uses, seconds under the emulator's lock. An IAM that does not exist holds no keys."""

    @functools.wraps(original)
    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(iam_models.iam_backends.items()):
            for partition in iam_models.PARTITION_NAMES:
                backend = dict.get(account, partition)
                if backend is not None and access_key in backend.access_keys:
                    return account_id
        return iam_models.DEFAULT_ACCOUNT_ID

    return get_account_id_from


PATCHES: tuple[Patch, ...] = (
    Patch(moto_backends, "list_of_moto_modules", "() -> collections.abc.Iterable[str]",
          module_list, "a directory listing on disk for each request"),
    Patch(moto_responses, "method_names_from_class", "(clazz: 'object') -> 'list[str]'",
          method_names, "inspect.getmembers of the response class for every request"),
    Patch(iam_models, "get_account_id_from", "(access_key: 'str') -> 'str'", account_id_from,
          "the first call built the IAM of every partition, managed policies included, to look for its access key"),
)
