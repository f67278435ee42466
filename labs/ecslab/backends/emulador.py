"""Find, start, stop the embedded emulator process (one per port, detached so it outlives a notebook kernel).

The emulator listens on 127.0.0.1 unless started with another bind address (a class emulator on the LAN, see
ecslab.turma); a student whose ECSLAB_ENDPOINT names a class emulator only connects to it (``conectar``) and then
talks to the class's process that serves them (``student_endpoint``: a class emulator may run one process per
core, see ecslab.emulator.directory).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import psutil

from ecslab import identity
from ecslab.behaviour.clock import SCALE_ENV, scale_problem
from ecslab.config import state_dir
from ecslab.endpoints import CLASS_PATH, SERVICE_ID, STATUS_PATH
from ecslab.errors import ErroLab

# The emulator outlives the notebook kernel or command that started it: its own session (POSIX) or process group
# (Windows), so a Ctrl+C there does not reach it.
_DETACHED: dict[str, Any] = (
    {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if sys.platform == "win32" else {"start_new_session": True})
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOOPBACK = "127.0.0.1"


@dataclass
class Probe:
    estado: str  # "nosso" | "outro" | "livre"
    info: dict[str, Any] | None = None
    descricao: str = ""


def local_host(endereco: str | None) -> str:
    """The address this machine reaches an emulator bound to `endereco` by (every interface: loopback)."""
    return LOOPBACK if not endereco or endereco == "0.0.0.0" else endereco


def endpoint(port: int, endereco: str | None = None) -> str:
    return f"http://{local_host(endereco)}:{port}"


def _request(url: str, timeout: float, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET url, or POST the JSON `body`, with `headers`: (status, body). Raises OSError when nothing listens,
    including when the connection reached itself: probing a free port of 127.0.0.1 over and over (a start waiting for
    its emulator) can be given that same port as its own source port, and TCP then connects the socket to itself and
    echoes the request back."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or LOOPBACK, parts.port, timeout=timeout)
    try:
        conn.connect()
        if conn.sock.getsockname() == conn.sock.getpeername():
            raise ConnectionRefusedError(f"nothing listens on {parts.netloc}: the connection reached itself")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if body is None:
            conn.request("GET", path, headers=dict(headers or {}))
        else:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def probe(port: int, timeout: float = 1.0, endereco: str | None = None) -> Probe:
    """Tell our emulator from a free port and from anything else listening there."""
    return probe_url(endpoint(port, endereco), timeout)


def probe_url(url: str, timeout: float = 1.0) -> Probe:
    """probe() for an emulator known by its URL (a class emulator on another machine)."""
    try:
        _, body = _request(url + STATUS_PATH, timeout)
    except OSError:
        return Probe("livre")
    except http.client.HTTPException:  # something that does not speak HTTP
        body = b""
    try:
        info = json.loads(body)
    except ValueError:
        info = None
    if isinstance(info, dict) and info.get("servico") == SERVICE_ID:
        return Probe("nosso", info)
    description = "um serviço desconhecido"
    try:
        status, body = _request(url + "/_localstack/health", timeout)
        if status == 200 and b"services" in body:
            description = "um LocalStack"
    except (OSError, http.client.HTTPException):
        pass
    return Probe("outro", None, description)


def _occupied_error(port: int, description: str) -> ErroLab:
    return ErroLab(
        f"A porta {port} está ocupada por {description}, não pelo emulador do ecslab.",
        dica=(
            f"Escolha outra porta (ecslab --porta {port + 1} ... ou ECSLAB_PORTA={port + 1}) "
            "ou, se for um LocalStack com ECS, use ECSLAB_BACKEND=localstack."
        ),
    )


def pid_file(port: int) -> Path:
    return state_dir() / f"emulador-{port}.pid"


def log_file(port: int) -> Path:
    return state_dir() / f"emulador-{port}.log"


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def conectar(url: str, timeout: float = 3.0) -> dict[str, Any]:
    """Check that the class emulator at `url` (ECSLAB_ENDPOINT) answers; return its status. Starts nothing."""
    found = probe_url(url, timeout)
    if found.estado == "nosso":
        return found.info or {}
    if found.estado == "outro":
        raise ErroLab(
            f"Em {url} responde {found.descricao}, não o emulador da turma.",
            dica="Confira com o instrutor o endereço em ECSLAB_ENDPOINT (http://IP:PORTA).",
        )
    raise ErroLab(
        f"O emulador da turma não responde em {url} (ECSLAB_ENDPOINT).",
        dica="Confira com o instrutor o endereço e a porta, se ele já rodou `ecslab turma iniciar` e se esta "
             "máquina está na mesma rede; para usar um emulador só seu, remova a variável ECSLAB_ENDPOINT.",
    )


def _tell_if_it_died(port: int) -> None:
    """An emulator that stops cleanly removes its pid file; one left behind means it was killed (or the machine
    went down): say so, and whether the new one brings the saved state back or starts empty, never silently."""
    stale = pid_file(port)
    try:
        pid = int(stale.read_text().strip() or 0)
    except (OSError, ValueError):
        return
    if pid and _alive(pid):
        return
    stale.unlink(missing_ok=True)
    if snapshot_path(port).exists():
        print(f"⚠️  O emulador da porta {port} parou sem ser desligado (processo {pid}). Um novo começa agora com o "
              "estado gravado do anterior: seus recursos e o relógio simulado voltam como estavam (só as últimas "
              "chamadas, do último segundo antes da parada, podem faltar).",
              file=sys.stderr, flush=True)
        return
    print(f"⚠️  O emulador da porta {port} parou sem ser desligado (processo {pid}) e não deixou estado gravado. "
          "Um novo começa agora, vazio. Para remontar um laboratório de uma vez, use `ecslab preparar NN`.",
          file=sys.stderr, flush=True)


def snapshot_path(port: int) -> Path:
    """Where the emulator on this port keeps its state (ecslab.emulator.persistence; the same name)."""
    return state_dir() / f"emulador-{port}.estado"


def check_snapshot(port: int) -> None:
    """Refuse, before starting anything, a saved state this emulator cannot load (another version of ecslab or moto,
    a damaged file): a pt-BR message that says to run `ecslab emulador reiniciar --limpo`."""
    from ecslab.emulator import persistence

    try:
        persistence.check(snapshot_path(port))
    except persistence.IncompatibleSnapshot as exc:
        raise ErroLab(str(exc).split(" Para começar")[0],
                      dica="Para começar um emulador vazio (o estado gravado é apagado): "
                           "`ecslab emulador reiniciar --limpo`.") from None


def forget_state(port: int) -> bool:
    """Delete the saved state of the emulator on this port (it must be stopped): the next one starts empty."""
    path = snapshot_path(port)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def _refusal_in_log(log: Path, since: int) -> str | None:
    """The emulator's own words when it refused its saved state (persistence.REFUSED_MARK), from this start on."""
    from ecslab.emulator.persistence import REFUSED_MARK

    try:
        with open(log, "rb") as fh:
            fh.seek(since)
            text = fh.read().decode(errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(REFUSED_MARK):
            return line[len(REFUSED_MARK):].strip()
    return None


def start(port: int, region: str = "us-east-1", timeout: float = START_TIMEOUT,
          endereco: str = LOOPBACK, turma: Sequence[int] | None = None) -> dict[str, Any]:
    """Start the emulator if it is not running; return its status. Idempotent.

    `endereco` is the address it listens on (127.0.0.1 unless a class emulator is shared on the LAN); `turma`, the
    ports of every process of a class emulator this one is part of (the first keeps the students' directory).
    """
    found = probe(port, endereco=endereco)
    if found.estado == "nosso":
        return found.info or {}
    if found.estado == "outro":
        raise _occupied_error(port, found.descricao)
    problem = scale_problem(os.environ.get(SCALE_ENV))
    if problem:
        raise ErroLab(problem, dica=f"Exemplo: `export {SCALE_ENV}=20`; depois rode de novo.")
    check_snapshot(port)
    _tell_if_it_died(port)
    log = log_file(port)
    try:
        log_start = log.stat().st_size
    except OSError:
        log_start = 0
    env = dict(os.environ)
    env.pop("ECSLAB_BACKEND", None)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ecslab.emulator", "--porta", str(port), "--regiao", region,
             "--endereco", endereco, "--arquivo-pid", str(pid_file(port)),
             *(["--portas-turma", ",".join(map(str, turma))] if turma else [])],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            **_DETACHED,
            env=env,
            close_fds=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe(port, timeout=0.5, endereco=endereco)
        if found.estado == "nosso":
            return found.info or {}
        if found.estado == "outro":
            raise _occupied_error(port, found.descricao)
        if proc.poll() is not None:
            # Lost a race with another kernel starting the same emulator? Then it answers soon.
            found = probe(port, timeout=2.0, endereco=endereco)
            if found.estado == "nosso":
                return found.info or {}
            refused = _refusal_in_log(log, log_start)
            if refused:
                raise ErroLab(refused.split(" Para começar")[0],
                              dica="Para começar um emulador vazio (o estado gravado é apagado): "
                                   "`ecslab emulador reiniciar --limpo`.")
            raise ErroLab(
                f"O emulador não conseguiu iniciar na porta {port}.\n{_tail(log)}",
                dica=f"Veja o log em {log} ou tente outra porta com --porta.",
            )
        time.sleep(0.03)
    raise ErroLab(
        f"O emulador não respondeu em {timeout:.0f} s na porta {port}.",
        dica=f"Veja o log em {log}; depois tente `ecslab emulador reiniciar`.",
    )


def stop(port: int, timeout: float = STOP_TIMEOUT, endereco: str | None = None) -> bool:
    """Stop our emulator on this port (listening on `endereco`). Returns False when none was running."""
    found = probe(port, endereco=endereco)
    if found.estado == "livre":
        pid_file(port).unlink(missing_ok=True)
        return False
    if found.estado == "outro":
        raise ErroLab(
            f"A porta {port} está ocupada por {found.descricao}; não é o emulador do ecslab e não vou pará-lo.",
            dica="Confira a porta com --porta ou ECSLAB_PORTA.",
        )
    pid = int((found.info or {})["pid"])
    _end(pid, forcefully=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe(port, timeout=0.3, endereco=endereco).estado == "livre" and not _alive(pid):
            break
        time.sleep(0.05)
    else:
        _end(pid, forcefully=True)
    pid_file(port).unlink(missing_ok=True)
    return True


def _end(pid: int, *, forcefully: bool) -> None:
    """Ask the process to stop (SIGTERM; on Windows it is ended), or end it. psutil does both on every OS."""
    try:
        process = psutil.Process(pid)
        process.kill() if forcefully else process.terminate()
    except psutil.NoSuchProcess:
        pass


def _alive(pid: int) -> bool:
    """The process runs. A zombie (exited, not yet reaped by its parent, which may be this process) counts as
    gone; reaping it here keeps it from lingering."""
    try:
        process = psutil.Process(pid)
        if process.status() != psutil.STATUS_ZOMBIE:
            return True
        process.wait(timeout=0)
    except (psutil.NoSuchProcess, psutil.TimeoutExpired, ChildProcessError):
        pass
    except psutil.AccessDenied:
        return True
    return False


def with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))


def class_ports(info: dict[str, Any]) -> list[int]:
    """The ports of every process of the emulator whose status is `info` (its own port alone for most)."""
    return [int(p) for p in info.get("turma") or [info["porta"]]]


def class_endpoints(url: str, timeout: float = 3.0) -> list[str]:
    """The URLs of every process of the class emulator at `url` (the first one is the class's own address)."""
    return [with_port(url, port) for port in class_ports(conectar(url, timeout))]


def student_endpoint(url: str, aluno: str, timeout: float = 5.0, spelling: str | None = None) -> str:
    """The URL of the process of the class emulator at `url` that serves `aluno` (placed there on first ask).

    `spelling`: how the student wrote their name (ECSLAB_ALUNO), which claims it on the class emulator
    (emulator.name_claims): a name another student already holds with another spelling is refused."""
    query = urlencode({"aluno": aluno, **({"nome": spelling} if spelling else {})})
    status, answer = call_endpoint(url, f"{CLASS_PATH}?{query}", timeout=timeout)
    if status == 421 and answer.get("porta_principal"):  # asked another process of the class: ask the first
        url = with_port(url, int(answer["porta_principal"]))
        status, answer = call_endpoint(url, f"{CLASS_PATH}?{query}", timeout=timeout)
    if status == 409 and answer.get("grafia"):
        held = answer["grafia"]
        raise ErroLab(f"O nome {aluno!r} já é de outro aluno desta turma, que o escreveu {held!r}: os dois viram "
                      f"{aluno!r} (sem acentos, em minúsculas), e vocês dividiriam os mesmos recursos.",
                      dica=f"Escolha outro nome em ECSLAB_ALUNO, por exemplo {aluno}2 ou o nome junto do sobrenome "
                           f"(como {aluno}silva). Se {held!r} é você mesmo (em outra máquina ou outro dia), use "
                           "exatamente essa grafia.")
    if status != 200 or not isinstance(answer.get("porta"), int):
        raise ErroLab(f"O emulador da turma em {url} não informou qual dos seus processos atende o aluno {aluno} "
                      f"(resposta HTTP {status or 'nenhuma'}).",
                      dica="Confira ECSLAB_ENDPOINT com o instrutor; se o emulador da turma acabou de ser "
                           "reiniciado, tente de novo.")
    served = with_port(url, answer["porta"])
    if served != url and probe_url(served, timeout).estado != "nosso":
        raise ErroLab(f"O emulador da turma pôs o aluno {aluno} no processo da porta {answer['porta']}, mas ele não "
                      f"responde em {served}.",
                      dica="A turma usa uma porta por processo, a partir da porta de ECSLAB_ENDPOINT: peça ao "
                           "instrutor que libere todas no firewall (ou rode `ecslab turma iniciar` de novo, que traz "
                           "de volta um processo que parou).")
    return served


def status(port: int, url: str | None = None) -> Probe:
    """Our emulator on this port, or the class emulator at `url` (ECSLAB_ENDPOINT) when given."""
    return probe_url(url) if url else probe(port)


def call_endpoint(endpoint_url: str, path: str, payload: dict[str, Any] | None = None,
                  timeout: float = 10.0, access_key: str | None = None) -> tuple[int, dict[str, Any]]:
    """One of the emulator's own endpoints (/ecslab/...): (HTTP status, JSON answer); status 0 when nothing
    answered. POST when there is a payload. `access_key`: who calls (ecslab.identity), as a class emulator reads it."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = identity.endpoint_header(access_key) if access_key else None
    try:
        status, body = _request(f"{endpoint_url}{path}", timeout, data, headers)
    except (OSError, http.client.HTTPException):
        return 0, {}
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:
        parsed = {}
    return status, parsed if isinstance(parsed, dict) else {}
