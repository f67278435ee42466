"""Settings read from the environment: backend, port, region, student, class emulator URL, state directory."""

from __future__ import annotations

import getpass
import os
import re
import tempfile
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from ecslab.errors import ErroLab

BACKENDS = ("emulador", "localstack", "aws")
PORTA_PADRAO = 4566
REGIAO_PADRAO = "us-east-1"
_RESERVED_PREFIXES = ("aws", "ecs", "fargate", "internal")


def normalize_student(raw: str) -> str:
    """Lower-case letters and digits only (max 16), so names stay valid everywhere and prefixes never overlap.

    Accents are transliterated (``joão`` → ``joao``), never dropped with their letter. A name that starts with a
    digit or a prefix AWS reserves (aws, ecs, fargate, internal) gets an ``x`` in front. A name with nothing left
    (empty, or only characters outside the Latin alphabet) is refused: it must never become someone else's.
    """
    latin = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    clean = re.sub(r"[^a-z0-9]", "", latin.lower())[:16]
    if not clean:
        raise ErroLab(f"Nome de aluno inválido: {raw!r}.",
                      dica="Use letras sem acento e dígitos, por exemplo ECSLAB_ALUNO=joao (os acentos viram a letra "
                           "sem acento).")
    if clean[0].isdigit() or clean.startswith(_RESERVED_PREFIXES):
        clean = ("x" + clean)[:16]
    return clean


def _default_student() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "aluno"


def state_dir() -> Path:
    base = os.environ.get("ECSLAB_ESTADO")
    path = Path(base) if base else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecslab"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _port_from(value: str | int | None) -> int:
    if value is None or value == "":
        return PORTA_PADRAO
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ErroLab(
            f"Porta inválida: {value!r}.", dica="Use um número entre 1024 e 65535, por exemplo --porta 4566."
        ) from None
    if not 1 <= port <= 65535:
        raise ErroLab(f"Porta fora do intervalo: {port}.", dica="Use um número entre 1024 e 65535.")
    return port


def _endpoint_from(value: str | None) -> str | None:
    """ECSLAB_ENDPOINT: the class emulator's URL (http://IP:PORT), without a trailing slash; None when unset."""
    text = (value or "").strip().rstrip("/")
    if not text:
        return None
    parsed = urllib.parse.urlsplit(text if "://" in text else "http://" + text)
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme not in ("http", "https") or not parsed.hostname or port is None or parsed.path:
        raise ErroLab(
            f"ECSLAB_ENDPOINT inválido: {value!r}.",
            dica="Use o endereço que o instrutor passou, no formato http://IP:PORTA (por exemplo "
                 "http://192.168.0.10:4566), ou remova ECSLAB_ENDPOINT para usar um emulador só seu.",
        )
    return f"{parsed.scheme}://{parsed.netloc}"


@dataclass(frozen=True)
class Config:
    backend: str = "emulador"
    porta: int = PORTA_PADRAO
    regiao: str = REGIAO_PADRAO
    aluno: str = field(default_factory=lambda: normalize_student(_default_student()))
    # The class emulator another machine runs (read by the emulator backend alone): used instead of starting one.
    endpoint: str | None = None
    # False when the student's name is this machine's user name, not one they chose (ECSLAB_ALUNO unset).
    aluno_escolhido: bool = True

    @classmethod
    def from_env(cls, *, porta: int | str | None = None, backend: str | None = None) -> Config:
        chosen = (backend or os.environ.get("ECSLAB_BACKEND") or "emulador").strip().lower()
        if chosen not in BACKENDS:
            raise ErroLab(
                f"Backend desconhecido: {chosen!r}.",
                dica="Use ECSLAB_BACKEND=emulador (padrão), localstack ou aws.",
            )
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or REGIAO_PADRAO
        chosen_name = (os.environ.get("ECSLAB_ALUNO") or "").strip()
        student = normalize_student(chosen_name or _default_student())
        return cls(
            backend=chosen,
            porta=_port_from(porta if porta is not None else os.environ.get("ECSLAB_PORTA")),
            regiao=region,
            aluno=student,
            endpoint=_endpoint_from(os.environ.get("ECSLAB_ENDPOINT")),
            aluno_escolhido=bool(chosen_name),
        )


def write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step, so a browser or another command never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
