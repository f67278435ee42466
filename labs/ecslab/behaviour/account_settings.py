"""The account's default settings (PutAccountSettingDefault): kept per account and Region, shown by
ListAccountSettings where the caller set no setting of their own, and read when a cluster is created (the default
of containerInsights).

Source: PutAccountSettingDefault in the Amazon ECS API Reference
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutAccountSettingDefault.html): it "modifies an
account setting for all users on an account for whom no individual account setting has been specified"; the answer
is the setting with its name, value, principalArn (the account's root) and type (user).
"""

from __future__ import annotations

from typing import Any

from moto.ecs.models import AccountSetting


def _defaults(backend: Any) -> dict[str, Any]:
    if not hasattr(backend, "ecslab_account_defaults"):
        backend.ecslab_account_defaults = {}
    return backend.ecslab_account_defaults


def _setting(backend: Any, name: str, value: str) -> Any:
    setting = AccountSetting(name, value)
    setting.principal_arn = f"arn:aws:iam::{backend.account_id}:root"
    setting.type = "user"
    return setting


def put_account_setting_default(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    setting = _setting(backend, params["name"], params["value"])
    _defaults(backend)[setting.name] = setting
    return {"setting": setting}


def effective(backend: Any, name: str) -> str | None:
    """The value in force for the caller: their own setting, else the account's default."""
    own = backend.account_settings.get(name)
    if own is not None:
        return own.value
    default = _defaults(backend).get(name)
    return default.value if default is not None else None


def list_account_settings(original: Any, backend: Any, name: str | None = None, value: str | None = None) -> list:
    """moto's list (the caller's own settings), with the account's defaults the caller did not override."""
    own = original(backend, name, value)
    named = {setting.name for setting in own}
    defaults = [s for s in _defaults(backend).values()
                if s.name not in named and (not name or s.name == name) and (not value or s.value == value)]
    return own + defaults
