"""Real AWS: the normal credential chain, and a confirmation before anything is created."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

from ecslab.backends.base import Backend, Timings
from ecslab.errors import ErroLab

if TYPE_CHECKING:
    from ecslab.session import Sessao

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


class Aws(Backend):
    name = "aws"
    timings = Timings(poll=5.0, service_stable=600.0, checks=300.0, cleanup=600.0, deletions=900.0,
                      deletion_poll=10.0, iam_settle=10.0)
    shows_costs = True
    has_fis = True

    def account_id(self, sts: Any) -> str:
        return account_id(sts)

    def confirm_may_create(self, sts: Any) -> str | None:
        return require_confirmation(sts)

    def interrupt_spot(self, s: Sessao, instances: list[str], tasks: list[str]) -> dict[str, list[str]]:
        from ecslab.backends import aws_events

        if tasks:
            raise aws_events.fargate_spot_on_aws()
        return aws_events.interrupt_spot_instances(s, instances)

    def apply_load(self, s: Sessao, cluster: str, service: str, cpu: float | None, duration: float | None,
                   rate: float | None) -> bool:
        from ecslab.backends import aws_events

        if cpu is not None:
            print("ℹ️  --cpu (cpu=...) é ignorado na AWS: lá a carga é tráfego real.")
        summary = aws_events.real_load(
            s, cluster, service,
            duration=aws_events.DEFAULT_DURATION if duration is None else duration,
            rate=aws_events.DEFAULT_RATE if rate is None else rate,
        )
        return summary.answered > 0
