"""One emulator for the whole class: started by the instructor, reached by the students through ECSLAB_ENDPOINT.

It listens on 127.0.0.1 (this machine only) unless the instructor names another address: an IP of this machine on
the classroom network, or 0.0.0.0 (every interface). There is no authentication: anyone who reaches the address
can read and delete every student's resources, so the LAN address is only ever used when asked for.

A class emulator runs as one process per core by default (``--processos``), on consecutive ports from the one
students set: a class of 30 that never pauses saturates one process (one lock, one interpreter). The first port
places each student on a process (ecslab.emulator.directory) and the students' sessions go straight there.

The class's address is remembered in the state directory (``turma-<porta>.json``) so that the other
``ecslab turma`` commands find it, together with the students a report has seen.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import json
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ecslab.backends import emulador
from ecslab.backends.emulador import LOOPBACK
from ecslab.config import REGIAO_PADRAO, state_dir, write_atomic
from ecslab.emulator.directory import record_path
from ecslab.emulator.name_claims import claims_path
from ecslab.errors import ErroLab

EVERYWHERE = "0.0.0.0"
PAGE_NAME = "turma.html"
MAX_PROCESSES = 8


def processos_padrao() -> int:
    """One emulator process per core of this machine, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def validar_processos(processos: int | None) -> int:
    count = processos_padrao() if processos is None else processos
    if not 1 <= count <= MAX_PROCESSES:
        raise ErroLab(f"Número de processos inválido: {processos}.",
                      dica=f"Use de 1 a {MAX_PROCESSES} (o padrão, {processos_padrao()}, é um por núcleo desta "
                           "máquina).")
    return count


def portas_texto(ports: list[int]) -> str:
    return f"porta {ports[0]}" if len(ports) == 1 else f"portas {ports[0]} a {ports[-1]}"


def validar_endereco(endereco: str | None) -> str:
    """The bind address: 127.0.0.1 by default; an IPv4 address of this machine or 0.0.0.0 only when named."""
    text = (endereco or "").strip().lower()
    if not text:
        return LOOPBACK
    if text == "localhost":
        return LOOPBACK
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if address is None or address.version != 4:
        raise ErroLab(f"Endereço inválido para o emulador da turma: {endereco!r}.",
                      dica="Use um IPv4 desta máquina na rede da sala (veja com `ip addr` ou `ipconfig`), por "
                           "exemplo --endereco 192.168.0.10; sem --endereco o emulador fica em 127.0.0.1.")
    return str(address)


def is_loopback(endereco: str) -> bool:
    return ipaddress.ip_address(endereco).is_loopback


def lan_address() -> str | None:
    """This machine's address on the network that holds its default route (no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            found = sock.getsockname()[0]
        except OSError:
            return None
    return None if not found or found.startswith("127.") or found == EVERYWHERE else found


def _check_bindable(endereco: str, porta: int) -> None:
    """Fail early, in Portuguese, when this machine cannot listen on endereco:porta (porta 0: any port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((endereco, porta))
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ErroLab(f"O endereço {endereco} não pertence a esta máquina: o emulador não pode escutar nele.",
                              dica="Use um IP que esta máquina tem na rede da sala (veja com `ip addr` ou "
                                   "`ipconfig`), ou omita --endereco para ficar em 127.0.0.1.") from None
            if exc.errno == errno.EADDRINUSE:
                raise ErroLab(f"A porta {porta} já está em uso em {endereco} por outro programa.",
                              dica=f"Escolha outra porta: ecslab turma iniciar --porta {porta + 1}.") from None
            raise ErroLab(f"Não consegui escutar em {endereco}:{porta} ({exc.strerror or exc}).",
                          dica="Confira o endereço e a porta (portas abaixo de 1024 exigem root).") from None


def arquivo_turma(chave: int | str) -> Path:
    """The class's record: per emulator port, or per backend name (localstack, aws)."""
    return state_dir() / f"turma-{chave}.json"


def ler_turma(chave: int | str) -> dict[str, Any] | None:
    """What `iniciar_turma` recorded for this port (and the students a report remembers), or None."""
    try:
        data = json.loads(arquivo_turma(chave).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def gravar_turma(chave: int | str, data: dict[str, Any]) -> None:
    write_atomic(arquivo_turma(chave), json.dumps(data, ensure_ascii=False, indent=2))


def iniciar_turma(porta: int, endereco: str | None = None, *, regiao: str = REGIAO_PADRAO,
                  processos: int | None = None) -> dict[str, Any]:
    """Start (or find) the class emulator on `porta`, listening on `endereco` (default 127.0.0.1), as `processos`
    processes on the ports from `porta` on (default: one per core).

    Returns {"endereco", "porta", "portas", "endpoint" (what students set in ECSLAB_ENDPOINT), "endpoint_local"
    (how this machine reaches it), "pid", "pids", "ja_estava", "regiao"} and records it in the state directory.
    """
    bind = validar_endereco(endereco)
    count = validar_processos(processos)
    _check_bindable(bind, 0)  # an address of this machine at all?
    local = emulador.endpoint(porta, bind)
    found = emulador.probe_url(local)
    if found.estado == "livre" and bind != LOOPBACK:
        on_loopback = emulador.probe(porta)  # ours on 127.0.0.1 only? Then the LAN cannot reach it.
        if on_loopback.estado == "nosso":
            found = on_loopback
    if found.estado == "nosso":
        running = str((found.info or {}).get("endereco") or LOOPBACK)
        if running != bind:
            raise ErroLab(f"Já há um emulador do ecslab na porta {porta}, escutando em {running}, não em {bind}.",
                          dica=f"Pare-o com `ecslab turma parar --porta {porta}` e inicie de novo, ou use outra "
                               "porta com --porta.")
        info, already = found.info or {}, True
        ports = emulador.class_ports(info)
        pids = _start_processes(ports, regiao, bind, missing_only=True)  # one that stopped comes back (its state too)
    elif found.estado == "outro":
        raise ErroLab(f"A porta {porta} está ocupada por {found.descricao}, não pelo emulador do ecslab.",
                      dica=f"Escolha outra porta: ecslab turma iniciar --porta {porta + 1}.")
    elif (rest := _rest_of_class(porta, bind)) is not None:
        # only the first process stopped: it comes back (with its saved state) and reloads where it had placed each
        # student
        ports, already = rest, True
        pids = _start_processes(ports, regiao, bind, missing_only=True)
        info = emulador.probe(porta, endereco=bind).info or {}
    else:
        ports = list(range(porta, porta + count))
        _check_free(ports, bind)
        if not any(emulador.snapshot_path(port).exists() for port in ports):
            record_path(porta).unlink(missing_ok=True)  # a new class places its students afresh
            claims_path(porta).unlink(missing_ok=True)  # and its names are free again
        # else each process comes back with its saved state, and the students are sent where their resources are
        pids = _start_processes(ports, regiao, bind)
        info, already = emulador.probe(porta, endereco=bind).info or {}, False
    student_host = bind
    if bind == EVERYWHERE:
        student_host = lan_address() or LOOPBACK
    previous = ler_turma(porta) if already else None
    data = {
        "endereco": bind,
        "porta": porta,
        "portas": ports,
        "endpoint": f"http://{student_host}:{porta}",
        "endpoint_local": local,
        "pid": info.get("pid"),
        "pids": pids,
        "ja_estava": already,
        "regiao": info.get("regiao", regiao),
        "iniciado_em": info.get("iniciado_em", time.time()),
        # a new emulator starts empty: the students an earlier report remembered belong to another class
        "alunos": (previous or {}).get("alunos", []),
    }
    gravar_turma(porta, data)
    return data


def _rest_of_class(porta: int, bind: str) -> list[int] | None:
    """The ports of a class whose first process (on `porta`) stopped while others still run, else None."""
    for port in range(porta + 1, min(porta + MAX_PROCESSES, 65536)):
        found = emulador.probe(port, endereco=bind, timeout=0.3)
        if found.estado == "nosso" and emulador.class_ports(found.info or {})[0] == porta:
            return emulador.class_ports(found.info or {})
    return None


def _check_free(ports: list[int], bind: str) -> None:
    """Every port of the class free on `bind` before anything starts (nothing is left half-started)."""
    if ports[-1] > 65535:
        raise ErroLab(f"As portas {ports[0]} a {ports[-1]} não cabem abaixo de 65535.",
                      dica="Escolha uma porta menor com --porta ou menos processos com --processos.")
    for index, port in enumerate(ports):
        found = emulador.probe(port, endereco=bind)
        who = {"nosso": "outro emulador do ecslab", "outro": found.descricao}.get(found.estado)
        if who is None:
            try:
                _check_bindable(bind, port)
            except ErroLab:
                who = "outro programa"
        if who is None:
            continue
        if len(ports) == 1:
            raise ErroLab(f"A porta {port} está ocupada por {who}.",
                          dica=f"Escolha outra porta: ecslab turma iniciar --porta {port + 1}.")
        raise ErroLab(f"A porta {port} (processo {index + 1} de {len(ports)} da turma) está ocupada por {who}.",
                      dica=f"A turma usa as {portas_texto(ports)}: escolha outra porta inicial com --porta ou "
                           "menos processos com --processos.")


def _start_processes(ports: list[int], regiao: str, bind: str, missing_only: bool = False) -> list[int | None]:
    """Start the class's processes together; if one fails, stop those this call started. Returns every pid."""
    def one(port: int) -> tuple[dict[str, Any], bool]:
        if missing_only:
            found = emulador.probe(port, endereco=bind)
            if found.estado == "nosso":
                return found.info or {}, False
        return emulador.start(port, regiao, endereco=bind, turma=ports), True

    with ThreadPoolExecutor(max_workers=len(ports)) as pool:
        futures = [pool.submit(one, port) for port in ports]
    failed = [f.exception() for f in futures if f.exception() is not None]
    if failed:
        for port, future in zip(ports, futures, strict=True):
            if future.exception() is None and future.result()[1]:
                emulador.stop(port, endereco=bind)
        raise failed[0]  # type: ignore[misc]
    return [f.result()[0].get("pid") for f in futures]


def parar_turma(porta: int, limpo: bool = False) -> bool:
    """Stop every process of the class emulator on `porta` (wherever it listens). Returns False when none was
    running. Each process's saved state and the students' placements stay for the next `iniciar_turma`, unless
    `limpo`: then they are deleted and the next class starts empty."""
    saved = ler_turma(porta) or {}
    bind = saved.get("endereco")
    found = emulador.probe(porta, endereco=bind)
    ports = emulador.class_ports(found.info or {}) if found.estado == "nosso" else saved.get("portas") or [porta]
    stopped = [emulador.stop(port, endereco=bind) for port in ports]
    arquivo_turma(porta).unlink(missing_ok=True)
    if limpo:
        for port in ports:
            emulador.forget_state(port)
        record_path(porta).unlink(missing_ok=True)
        claims_path(porta).unlink(missing_ok=True)
    return any(stopped)


def endpoint_instrutor(porta: int) -> str:
    """How this machine reaches the class emulator on `porta` (recorded by iniciar_turma; else 127.0.0.1)."""
    saved = ler_turma(porta) or {}
    return str(saved.get("endpoint_local") or emulador.endpoint(porta))


def variaveis(info: dict[str, Any]) -> dict[str, str]:
    """What every student sets."""
    return {"ECSLAB_BACKEND": "emulador", "ECSLAB_ENDPOINT": info["endpoint"], "ECSLAB_ALUNO": "<seu-nome>"}


def aviso_rede(info: dict[str, Any]) -> str | None:
    """The warning for an emulator other machines can reach (None on loopback)."""
    bind = info["endereco"]
    if is_loopback(bind):
        return None
    where = "em todas as interfaces de rede desta máquina" if bind == EVERYWHERE else f"no endereço {bind}"
    ports = info.get("portas") or [info["porta"]]
    return (f"⚠️  Atenção: o emulador escuta {where}, {portas_texto(ports)}, sem senha (o firewall desta máquina "
            f"precisa aceitar conexões {'nela' if len(ports) == 1 else 'nelas'}). Qualquer pessoa que alcance "
            "esse endereço pode ver, criar e apagar os recursos de todos os alunos; só reiniciar o emulador inteiro é "
            "recusado fora desta máquina. Use só na rede da sala, nunca numa rede pública, e pare-o ao final com "
            f"`ecslab turma parar --porta {info['porta']}`.")


STEPS = [
    "Defina as três variáveis acima no terminal onde vai trabalhar (ECSLAB_ALUNO: seu nome, só letras minúsculas "
    "e números, diferente do dos colegas; ele vai no nome e na tag ecslab:aluno de tudo o que você criar).",
    "Confira a ligação com o emulador da turma: ecslab emulador status e depois ecslab verificar 00.",
    "Abra os laboratórios: make labs (ou abra os notebooks de labs/ no seu Jupyter) e siga do 00 ao 06.",
    "Ao terminar, rode o laboratório 99 ou ecslab limpar: apaga só o que é seu.",
]


def instrucoes(info: dict[str, Any]) -> str:
    """The text for students, as the terminal shows it."""
    env = variaveis(info)
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    lines = ["Cada aluno define, antes de abrir os laboratórios:", ""]
    lines += [f"  {k}={v}" for k, v in env.items()]
    lines += ["", f"  Linux/macOS:          export {exports}",
              "  Windows (PowerShell): " + "; ".join(f'$env:{k}="{v}"' for k, v in env.items()), "", "Passos:"]
    lines += [f"  {i}. {step}" for i, step in enumerate(STEPS, 1)]
    return "\n".join(lines)


def pagina(info: dict[str, Any]) -> str:
    """The same instructions as a self-contained page to project or share (no script, nothing fetched)."""
    e = html.escape
    env = variaveis(info)
    block = "\n".join(f"{k}={v}" for k, v in env.items())
    unix = "export " + " ".join(f"{k}={v}" for k, v in env.items())
    win = "; ".join(f'$env:{k}="{v}"' for k, v in env.items())
    steps = "".join(f"<li>{e(step)}</li>" for step in STEPS)
    warning = aviso_rede(info)
    alert = f'<p class="aviso">{e(warning.lstrip("⚠️ "))}</p>' if warning else ""
    reach = ("Só esta máquina alcança este endereço (127.0.0.1): os alunos precisam estar nela."
             if is_loopback(info["endereco"]) else "Os alunos precisam estar na mesma rede que esta máquina.")
    return f"""<!DOCTYPE html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Turma — como se conectar ao emulador</title>
<style>
:root {{ color-scheme: light; }}
body {{ margin: 0; padding: 2rem; font: 22px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, Arial,
  sans-serif; color: #111; background: #fff; max-width: 64rem; }}
h1 {{ font-size: 2rem; margin-top: 0; }}
pre {{ background: #111827; color: #f9fafb; padding: 1rem 1.25rem; font-size: 1.5rem; white-space: pre-wrap;
  overflow-wrap: anywhere; }}
pre.menor {{ font-size: 1rem; }}
.aviso {{ border-left: .4rem solid #b45309; background: #fef3c7; padding: .75rem 1rem; }}
code {{ font-family: ui-monospace, "DejaVu Sans Mono", Consolas, monospace; }}
</style>
</head>
<body>
<main>
<h1>Laboratórios do curso ECS na prática</h1>
<p>Defina estas três variáveis no terminal onde vai trabalhar:</p>
<pre><code>{e(block)}</code></pre>
<p>Linux/macOS:</p>
<pre class="menor"><code>{e(unix)}</code></pre>
<p>Windows (PowerShell):</p>
<pre class="menor"><code>{e(win)}</code></pre>
<h2>Passos</h2>
<ol>{steps}</ol>
<p>{e(reach)}</p>
{alert}
</main>
</body>
</html>
"""


def gravar_pagina(info: dict[str, Any], caminho: Path | None = None) -> Path:
    """Write the students' page (turma.html in the state directory unless told otherwise); return its path."""
    path = caminho or state_dir() / PAGE_NAME
    write_atomic(path, pagina(info))
    return path
