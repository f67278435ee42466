"""Real AWS: the normal credential chain, and a confirmation before anything is created."""

from __future__ import annotations

import os
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from ecslab.errors import ErroLab

CONFIRM_VAR = "ECSLAB_AWS_CONFIRMAR"


def account_id(sts: Any) -> str:
    try:
        return sts.get_caller_identity()["Account"]
    except (NoCredentialsError, PartialCredentialsError):
        raise ErroLab(
            "Não encontrei credenciais da AWS.",
            dica="Configure-as com `aws configure` ou `aws sso login` (ou AWS_PROFILE) e rode de novo.",
        ) from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        raise ErroLab(
            f"A AWS recusou as credenciais ({code}).",
            dica="Renove as credenciais (por exemplo `aws sso login`) e rode de novo.",
        ) from None
    except BotoCoreError as exc:
        raise ErroLab(
            f"Não consegui falar com a AWS: {exc}.",
            dica="Confira a conexão e a região (AWS_REGION).",
        ) from None


def require_confirmation(sts: Any) -> str:
    """Refuse unless ECSLAB_AWS_CONFIRMAR equals the account id STS returns. Returns the account id."""
    account = account_id(sts)
    given = os.environ.get(CONFIRM_VAR, "").strip()
    if given != account:
        what = "não está definida" if not given else f"vale {given!r}"
        raise ErroLab(
            f"Backend aws: nada foi criado. A variável {CONFIRM_VAR} {what}, mas as credenciais são da conta "
            f"{account}. Os laboratórios criam recursos que custam dinheiro (gateway NAT, ALB, instâncias, "
            "tarefas Fargate).",
            dica=f"Se é mesmo esta conta, defina {CONFIRM_VAR}={account} e rode de novo; "
            "`ecslab limpar` remove tudo ao final.",
        )
    return account
