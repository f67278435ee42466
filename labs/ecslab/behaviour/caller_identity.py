"""STS GetCallerIdentity names the class emulator's caller: the student or instructor whose access key signed the call
(ecslab.identity), as an IAM user of the emulator's account, the way AWS answers for an IAM user (UserId the user's
unique ID, Arn the user's ARN; IAM User Guide, "IAM identifiers"). Any other key gets moto's answer.

The key is read from the Authorization header here: moto only recognises 20-character AWS-style key ids there, and
hands its backend "AKIAEXAMPLE" for an ecslab key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecslab.identity import UNKNOWN, identity_in


def get_caller_identity(original: Callable[..., Any], response: Any) -> Any:
    who = identity_in(response.headers.get("Authorization"))
    if who.kind == UNKNOWN:
        return original(response)
    from moto.core.responses import ActionResult

    account = response.current_account
    return ActionResult({"UserId": who.user_id, "Account": account, "Arn": who.principal_arn(account)})
