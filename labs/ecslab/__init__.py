"""ecslab: the engine behind the ECS na prática labs.

What a notebook uses (pt-BR names, the ones a student types):

    import ecslab
    c = ecslab.clientes()              # boto3 clients pointed at the backend (emulador, localstack or aws)
    rede = ecslab.criar_rede()         # the lab network, idempotent
    ecslab.verificar("01")             # ✅/❌ table with hints
    ecslab.limpar()                    # delete everything you created
    ecslab.inventario()                # what is left, per service

Names are imported lazily: `import ecslab` stays cheap (the emulator process and the CLI import it too).
"""

from __future__ import annotations

import importlib
from typing import Any

from ecslab.__version__ import VERSION as __version__
from ecslab.errors import ErroLab

_EXPORTS = {
    "verificar": "ecslab.checks.framework",
    "limpar": "ecslab.notebook",
    "inventario": "ecslab.notebook",
    "Inventario": "ecslab.notebook",
    "tags": "ecslab.notebook",
    "nome": "ecslab.notebook",
    "criar_alb": "ecslab.provision.alb",
    "criar_cluster": "ecslab.provision.cluster",
    "criar_grupo_logs": "ecslab.provision.cluster",
    "criar_repositorio_ecr": "ecslab.provision.cluster",
    "registrar_definicao_tarefa": "ecslab.provision.cluster",
    "criar_capacidade_ec2": "ecslab.provision.ec2_capacity",
    "criar_perfis_iam": "ecslab.provision.iam",
    "publicar_imagem": "ecslab.provision.images",
    "preparar_lab": "ecslab.provision.labs",
    "criar_rede": "ecslab.provision.network",
    "obter_rede": "ecslab.provision.network",
    "criar_capacidade_spot_ec2": "ecslab.provision.spot",
    "estrategia_spot": "ecslab.provision.spot",
    "usar_fargate_spot": "ecslab.provision.spot",
    "simular_carga": "ecslab.spot_and_load",
    "simular_interrupcao_spot": "ecslab.spot_and_load",
    "esperar_servico": "ecslab.wait",
    "aguardar": "ecslab.wait",
    "registrar_decisao": "ecslab.decision",
    "Sessao": "ecslab.session",
    "clientes": "ecslab.session",
    "sessao": "ecslab.session",
    "validar_tamanho_fargate": ("ecslab.validation", "check_fargate_size"),
    "validar_tipo_inicializacao": ("ecslab.validation", "check_launch_type"),
}


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'ecslab' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["ErroLab", "__version__", *_EXPORTS]
