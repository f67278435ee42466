"""The emulator's state on disk: a snapshot after writes (debounced), restored when the emulator starts again.

What a snapshot holds: every moto backend the emulator created (ECS, EC2, ELBv2, Auto Scaling, IAM, ...; the
behaviour layer keeps its per-object records on those same objects, see behaviour.state), the simulated clock, and
the simulation's module-level bookkeeping (which clusters a write touched). It is taken under the emulator's
request lock, so it sees a quiet world: no call half-way through moto.

The file, one per port in the state directory (``emulador-PORT.estado``), is one JSON header line (format, ecslab,
moto and Python versions, when it was taken) followed by a pickle. A header that does not match this emulator is
refused before anything is read (`check`); a snapshot is unpickled whole before any backend is touched, so it is
loaded entirely or not at all. It is written atomically (a temporary file, then os.replace).

`ecslab emulador reiniciar --limpo` deletes the file: the only way to start empty.
"""

from __future__ import annotations

import collections
import copy
import copyreg
import io
import json
import os
import pickle
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecslab.config import state_dir

# Raised whenever what the behaviour layer keeps on moto's objects changes shape, so that a snapshot of the same ecslab
# version taken before the change is refused rather than half-understood (2: an Auto Scaling group's record became
# asg.GroupSim, a list before).
FORMAT = 2
DEBOUNCE = 1.0  # seconds without a call before a snapshot is taken ...
MAX_DELAY = 5.0  # ... but never more than this after the first call not yet saved ...
SHARE = 0.1  # ... nor more often than keeps the lock busy this share of the time (a class's big state: less often)
SUFFIX = ".estado"
REFUSED_MARK = "ESTADO RECUSADO:"  # the line of the emulator's log that says why it did not start
REFUSED_EXIT = 3


class IncompatibleSnapshot(Exception):
    """The snapshot on disk was written by another version: the message is pt-BR and says what to do."""


def snapshot_path(port: int) -> Path:
    return state_dir() / f"emulador-{port}{SUFFIX}"


def versions() -> dict[str, Any]:
    from importlib.metadata import version

    from ecslab.__version__ import VERSION

    return {"formato": FORMAT, "ecslab": VERSION, "moto": version("moto"),
            "python": f"{sys.version_info.major}.{sys.version_info.minor}"}


def read_header(path: Path) -> dict[str, Any] | None:
    """The snapshot's header, or None when there is no snapshot. Raises IncompatibleSnapshot for an unreadable one."""
    try:
        with open(path, "rb") as fh:
            line = fh.readline(64 * 1024)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IncompatibleSnapshot(_refusal(path, f"não foi possível lê-lo ({exc.strerror or exc})")) from None
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise IncompatibleSnapshot(_refusal(path, "o arquivo não é um estado do emulador do ecslab"))
    return header


def check(path: Path) -> dict[str, Any] | None:
    """The header of a snapshot this emulator can load, None when there is none; IncompatibleSnapshot otherwise."""
    header = read_header(path)
    if header is None:
        return None
    ours = versions()
    different = [f"{key} {header.get(key)!s} (este emulador: {value})"
                 for key, value in ours.items() if header.get(key) != value]
    if different:
        raise IncompatibleSnapshot(_refusal(path, "foi gravado por outra versão: " + ", ".join(different)))
    return header


def _refusal(path: Path, why: str) -> str:
    return (f"O estado gravado do emulador em {path} não foi carregado: {why}. Nada dele foi usado. "
            "Para começar um emulador vazio (o estado gravado é apagado), rode `ecslab emulador reiniciar --limpo`; "
            "depois, `ecslab preparar NN` remonta um laboratório de uma vez.")


# --- what a snapshot holds ------------------------------------------------------------------------------------------


def _backend_dicts() -> dict[str, Any]:
    from moto.core.base_backend import BackendDict

    return {bd.service_name: bd for bd in list(BackendDict._instances) if len(bd)}


def capture() -> dict[str, Any]:
    """Everything to save, as plain references (the caller holds the request lock while it is pickled)."""
    from ecslab.behaviour import simulation_pass, state
    from ecslab.behaviour.clock import clock

    c = clock()
    return {
        "backends": {name: dict(bd) for name, bd in _backend_dicts().items()},
        "clock": {"now": c.now(), "scale": c.scale, "epoch": c._epoch},
        "simulation": {
            "writes": simulation_pass._writes,
            "unscoped_at": simulation_pass._unscoped_at,
            "cluster_written": dict(simulation_pass._cluster_written),
            "touched": set(state.touched),
            "outside_writes": state.outside_writes,
            "outside_writes_by": dict(state.outside_writes_by),
        },
    }


class _Fresh:
    """A defaultdict's factory that moto wrote as a lambda (not picklable): a copy of what it returned."""

    def __init__(self, sample: Any):
        self.sample = sample

    def __call__(self) -> Any:
        return copy.deepcopy(self.sample)


def _new_defaultdict(cls: type, factory: Any) -> Any:
    made = cls.__new__(cls)
    collections.defaultdict.__init__(made, factory)
    return made


def _reduce_defaultdict(d: collections.defaultdict) -> Any:
    """A defaultdict, or a subclass of moto's whose __init__ takes other arguments (ssm's ParameterDict)."""
    factory = d.default_factory
    if factory is not None and "<" in getattr(factory, "__qualname__", ""):  # a lambda or a local function
        factory = _Fresh(factory())
    return (_new_defaultdict, (type(d), factory), getattr(d, "__dict__", None) or None, None, iter(d.items()))


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


def _fresh_lock(lock: Any) -> Any:
    return (type(lock), ())


_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class _Pickler(pickle.Pickler):
    """pickle, plus what moto's objects hold that pickle refuses: lambdas as defaultdict factories, defaultdict
    subclasses with their own __init__, locks (taken under the request lock, so no lock is held; a fresh one comes
    back)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.dispatch_table = {**copyreg.dispatch_table, **dict.fromkeys(_LOCK_TYPES, _fresh_lock),
                               **dict.fromkeys(_subclasses(collections.defaultdict), _reduce_defaultdict)}


def dumps(payload: dict[str, Any], taken_at: float) -> bytes:
    header = dict(versions(), gravado_em=taken_at)
    out = io.BytesIO()
    out.write(json.dumps(header).encode() + b"\n")
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(payload)
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> dict[str, Any] | None:
    """The snapshot's payload (unpickled whole, nothing applied yet), None when there is none."""
    if check(path) is None:
        return None
    try:
        with open(path, "rb") as fh:
            fh.readline(64 * 1024)
            payload = pickle.load(fh)
    except Exception as exc:  # a truncated or damaged file: refused, never half-used
        raise IncompatibleSnapshot(_refusal(path, f"o arquivo está danificado ({type(exc).__name__})")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("backends"), dict):
        raise IncompatibleSnapshot(_refusal(path, "o conteúdo não é o esperado"))
    return payload


def apply(payload: dict[str, Any]) -> dict[str, Any]:
    """Put a loaded snapshot in place of the emulator's (empty) state; the caller holds the request lock.
    Returns a summary for the emulator's status."""
    from moto import backends
    from moto.core.base_backend import BackendDict

    from ecslab.behaviour import simulation_pass, state
    from ecslab.behaviour.clock import clock

    saved = payload["backends"]
    targets = {name: backends.get_backend(name) for name in saved}  # type: ignore[arg-type]  # all found first
    for name, content in saved.items():
        target = targets[name]
        dict.clear(target)
        dict.update(target, content)
        # moto lists a BackendDict in _instances only when one of its accounts is looked up; a restored one nobody
        # has called yet (CloudFormation, say) would be skipped by a reset and left out of the next snapshot
        if target not in BackendDict._instances:
            BackendDict._instances.append(target)
    c = clock()
    saved_clock = payload["clock"]
    c.scale = float(saved_clock["scale"])
    c._epoch = saved_clock["epoch"]
    c._wall_start = time.monotonic()
    c._offset = float(saved_clock["now"])
    sim = payload["simulation"]
    simulation_pass._writes = sim["writes"]
    simulation_pass._unscoped_at = sim["unscoped_at"]
    simulation_pass._cluster_written.clear()
    simulation_pass._cluster_written.update(sim["cluster_written"])
    state.touched.clear()
    state.touched.update(sim["touched"])
    state.outside_writes = sim["outside_writes"]
    state.outside_writes_by.clear()
    state.outside_writes_by.update(sim.get("outside_writes_by") or {})
    return {"servicos": sorted(saved), "relogio": float(saved_clock["now"])}


# --- the saver ------------------------------------------------------------------------------------------------------


@dataclass
class Saved:
    at: float = 0.0  # wall time of the last snapshot
    size: int = 0  # its size in bytes
    seconds: float = 0.0  # time under the lock to take it (pickling)
    count: int = 0  # snapshots taken by this process
    calls: int = 0  # the emulator's call counter the last snapshot covers


class Saver:
    """Takes a snapshot `DEBOUNCE` seconds after the last call (at most `MAX_DELAY` after the first one not saved,
    and no sooner than keeps the lock busy `SHARE` of the time), under the request lock; writes it outside the lock.
    A clean stop takes one more (server.serve), so only a `kill -9` can lose the last calls."""

    def __init__(self, path: Path, lock: threading.RLock):
        self.path = path
        self.lock = lock
        self.saved = Saved()
        self.error: str | None = None
        self._dirty_since: float | None = None
        self._last_call = 0.0
        self._calls = 0
        self._saved_at = 0.0  # time.monotonic() of the last snapshot
        self._wake = threading.Condition()
        self._stopped = False
        self._write_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="estado", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def note_call(self) -> None:
        now = time.monotonic()
        with self._wake:
            self._calls += 1
            self._last_call = now
            if self._dirty_since is None:
                self._dirty_since = now
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._dirty_since is None and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                due = max(min(self._last_call + DEBOUNCE, self._dirty_since + MAX_DELAY),
                          self._saved_at + self.saved.seconds / SHARE)
                wait = due - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
            self.save_now()

    def save_now(self) -> None:
        """One snapshot now (also called on a clean stop)."""
        with self._write_lock:
            try:
                with self.lock:  # a quiet world: no call is inside moto while it is pickled
                    with self._wake:
                        self._dirty_since = None
                        calls = self._calls
                    started = time.perf_counter()
                    taken_at = time.time()
                    data = dumps(capture(), taken_at)
                    seconds = time.perf_counter() - started
                    self._saved_at = time.monotonic()
                write_atomic(self.path, data)
                self.saved = Saved(at=taken_at, size=len(data), seconds=seconds, count=self.saved.count + 1,
                                   calls=calls)
                self.error = None
            except Exception as exc:  # the emulator keeps answering; the status and the log say so
                self.error = repr(exc)
                print(f"estado não gravado: {exc!r}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()

    def status(self) -> dict[str, Any]:
        with self._wake:
            pending = self._dirty_since is not None
            calls = self._calls
        return {"arquivo": str(self.path), "gravado_em": self.saved.at or None, "bytes": self.saved.size,
                "segundos": round(self.saved.seconds, 4), "gravacoes": self.saved.count,
                "chamadas": calls, "chamadas_gravadas": self.saved.calls, "pendente": pending, "erro": self.error}
