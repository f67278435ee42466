"""LocalStack through localstack-client: probe its health and refuse clearly when ECS is not there."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from ecslab.backends.base import Backend, Timings
from ecslab.errors import ErroLab

ECS_OK = {"available", "running", "ready", "initialized"}


def endpoint() -> str:
    from localstack_client import config as ls_config

    return ls_config.get_service_endpoint("ecs") or "http://localhost:4566"


def health(url: str, timeout: float = 3.0) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_localstack/health", timeout=timeout) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ErroLab(
            f"Não encontrei um LocalStack em {url} ({exc.__class__.__name__}).",
            dica=(
                "Inicie o LocalStack (com LOCALSTACK_AUTH_TOKEN definido) ou ajuste LOCALSTACK_HOST=host:porta; "
                "para seguir sem conta nem Docker, use o emulador embutido: ECSLAB_BACKEND=emulador."
            ),
        ) from None


def check(url: str | None = None) -> str:
    """Return the endpoint when LocalStack answers and offers ECS; otherwise raise ErroLab in Portuguese."""
    url = url or endpoint()
    services = health(url).get("services", {}) or {}
    state = str(services.get("ecs", "")).lower()
    if state not in ECS_OK:
        token = "definido" if os.environ.get("LOCALSTACK_AUTH_TOKEN") else "não definido"
        raise ErroLab(
            f"O LocalStack em {url} não oferece ECS (estado do serviço ecs: {state or 'ausente'}; "
            f"LOCALSTACK_AUTH_TOKEN {token}). Desde março de 2026 o LocalStack exige um token de autenticação "
            "(LOCALSTACK_AUTH_TOKEN) e o ECS faz parte de um plano pago.",
            dica=(
                "Inicie o LocalStack com um token de um plano que inclua ECS, ou volte ao emulador embutido, "
                "que não precisa de conta: ECSLAB_BACKEND=emulador."
            ),
        )
    return url


class LocalStack(Backend):
    name = "localstack"
    timings = Timings(poll=2.0, service_stable=120.0, checks=60.0, cleanup=600.0, deletions=900.0,
                      deletion_poll=10.0, iam_settle=0.0)
    dummy_credentials = "test"

    def open(self, *, class_view: bool = False) -> str | None:
        return check()

    def _not_here(self, what: str) -> ErroLab:
        return ErroLab(f"A LocalStack não tem {what}.",
                       dica="Use o emulador do curso (ECSLAB_BACKEND=emulador), que simula, ou a AWS real "
                            "(ECSLAB_BACKEND=aws), onde `ecslab simular` faz o evento de verdade.")
