"""Checks on what a student asks for, before any call reaches the backend."""

from __future__ import annotations

from typing import Any

from ecslab.errors import ErroLab

# cpu units -> valid memory (MiB), from AWS's Fargate task size table.
FARGATE_SIZES: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: list(range(2048, 8192 + 1, 1024)),
    2048: list(range(4096, 16384 + 1, 1024)),
    4096: list(range(8192, 30720 + 1, 1024)),
    8192: list(range(16384, 61440 + 1, 4096)),
    16384: list(range(32768, 122880 + 1, 8192)),
}
LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL")


def _ranges(memories: list[int]) -> str:
    if len(memories) <= 4:
        return ", ".join(str(m) for m in memories)
    step = memories[1] - memories[0]
    return f"{memories[0]} a {memories[-1]} (de {step} em {step})"


def fargate_table() -> str:
    return "\n".join(f"  cpu {cpu}: memória {_ranges(mem)} MiB" for cpu, mem in FARGATE_SIZES.items())


def _as_int(value: Any, what: str) -> int:
    if value is None or value == "":
        raise ErroLab(
            f"Tarefa Fargate sem '{what}' no nível da tarefa: no Fargate, cpu e memory da tarefa são obrigatórios.",
            dica="Informe um par válido, por exemplo cpu='256' e memory='512'. Pares válidos:\n" + fargate_table(),
        )
    text = str(value).strip().lower()
    try:
        if text.endswith("vcpu"):
            return int(float(text[:-4]) * 1024)
        if text.endswith("gb"):
            return int(float(text[:-2]) * 1024)
        return int(text)
    except ValueError:
        raise ErroLab(
            f"Valor de '{what}' inválido: {value!r}.",
            dica="Use números em unidades de CPU e MiB, como '256' e '512'.",
        ) from None


def check_fargate_size(cpu: Any, memory: Any) -> tuple[int, int]:
    """Return (cpu, memory) as ints when the pair is valid on Fargate; else ErroLab with the valid pairs."""
    cpu_units = _as_int(cpu, "cpu")
    memory_mib = _as_int(memory, "memory")
    if cpu_units not in FARGATE_SIZES:
        raise ErroLab(
            f"cpu={cpu_units} não é um tamanho válido no Fargate (a AWS responderia "
            "\"ClientException: Invalid 'cpu' setting for task\").",
            dica="Valores de cpu aceitos e a memória permitida para cada um:\n" + fargate_table(),
        )
    if memory_mib not in FARGATE_SIZES[cpu_units]:
        raise ErroLab(
            f"memory={memory_mib} não combina com cpu={cpu_units} no Fargate (a AWS responderia "
            f"\"ClientException: No Fargate configuration exists for given values: {cpu_units} CPU, "
            f"{memory_mib} memory.\").",
            dica=f"Com cpu={cpu_units}, use memória {_ranges(FARGATE_SIZES[cpu_units])} MiB. Tabela completa:\n"
            + fargate_table(),
        )
    return cpu_units, memory_mib


def check_launch_type(value: str) -> str:
    """Launch types are upper case; 'Fargate' is the classic mistake."""
    if value in LAUNCH_TYPES:
        return value
    upper = str(value).strip().upper()
    if upper in LAUNCH_TYPES:
        raise ErroLab(
            f"Tipo de inicialização escrito como {value!r}: a API só aceita maiúsculas.",
            dica=f"Use launchType='{upper}'.",
        )
    raise ErroLab(
        f"Tipo de inicialização desconhecido: {value!r}.",
        dica="Use 'FARGATE' ou 'EC2' (em maiúsculas).",
    )


def check_compatibilities(values: list[str]) -> list[str]:
    return [check_launch_type(v) for v in values]


def check_task_definition(spec: dict[str, Any]) -> None:
    """Validate a register_task_definition request before it is sent."""
    compat = check_compatibilities(list(spec.get("requiresCompatibilities") or []))
    if "FARGATE" in compat:
        check_fargate_size(spec.get("cpu"), spec.get("memory"))
        mode = spec.get("networkMode")
        if mode != "awsvpc":
            raise ErroLab(
                f"Tarefa Fargate com networkMode={mode!r}: o Fargate só aceita 'awsvpc'.",
                dica="Use networkMode='awsvpc' (cada tarefa ganha a própria ENI).",
            )
        for container in spec.get("containerDefinitions") or []:
            if container.get("privileged"):
                raise ErroLab(
                    f"O contêiner {container.get('name')!r} pede privileged=True, que o Fargate não permite.",
                    dica="Remova privileged ou rode a tarefa no EC2.",
                )


MAX_WAIT_SECONDS = 86_400.0  # one day: no lab waits longer, and the emulator's clock must stay a finite number


def check_seconds(value: Any, what: str, *, exemplo: str = "60", maximo: float = MAX_WAIT_SECONDS) -> float:
    """A duration a student gives: a finite number of seconds from 0 to `maximo` (infinity, NaN and text are
    refused before anything reaches the backend)."""
    import math

    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not 0 <= value <= maximo:
        raise ErroLab(f"{what} inválido: {value!r}.",
                      dica=f"Use um número de segundos entre 0 e {maximo:.0f}, por exemplo {exemplo}.")
    return float(value)
