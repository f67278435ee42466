"""boto3 clients pointed at the chosen backend, with retries on."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

from ecslab import backends, identity
from ecslab.backends.base import Backend
from ecslab.config import Config, normalize_student
from ecslab.errors import ErroLab

SERVICES = ("ec2", "ecs", "iam", "elbv2", "autoscaling", "ssm", "logs", "ecr", "sts",
            "application-autoscaling", "cloudwatch", "resourcegroupstaggingapi")

_BOTO_CONFIG = BotoConfig(
    retries={"max_attempts": 8, "mode": "standard"},
    connect_timeout=5,
    read_timeout=60,
)


@dataclass
class _Boto:
    """A boto3 session with the clients it made, per endpoint. boto3 clients are thread-safe; a boto3 session is
    not, hence the lock around making clients."""

    session: boto3.session.Session
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients: dict[tuple[str | None, str | None], dict[str, Any]] = field(default_factory=dict)  # (endpoint, key)


_shared: dict[tuple[str, str], _Boto] = {}
_shared_lock = threading.Lock()


def _shared_boto(dummy_key: str, region: str) -> _Boto:
    """One boto3 session per (dummy credentials, region), and its clients, for every session of this process: its
    loader caches service models, which makes each new client ~10x cheaper (creating the first EC2 client alone
    costs ~0.4 s), and a client made once serves every student of the process (an instructor's report, a class's
    load test)."""
    with _shared_lock:
        key = (dummy_key, region)
        if key not in _shared:
            _shared[key] = _Boto(boto3.session.Session(
                aws_access_key_id=dummy_key, aws_secret_access_key=dummy_key, region_name=region
            ))
        return _shared[key]


class Sessao:
    """One backend, one region, one student: the boto3 clients every helper uses.

    Making a session does no I/O; opening it (explicitly with `open`, or at its first call) does what its backend
    needs: start the embedded emulator, connect to the class emulator, probe LocalStack. On a class emulator
    (ECSLAB_ENDPOINT) the session talks to the class's process that serves its student (the class may run one
    process per core: ecslab.emulator.directory). `class_view` is the instructor's session instead: it talks to
    the class's first process, `for_student` reaches each student's and `per_process` every one.

    On a class emulator the calls carry who makes them in their access key id (ecslab.identity): the student's
    session signs as that student, the class view as the instructor; a session made by `for_student` or
    `per_process` keeps the identity of the session it came from (the instructor acting on a student's resources).
    """

    def __init__(self, config: Config, *, class_view: bool = False, backend: Backend | None = None,
                 endpoint_url: str | None = None, boto: _Boto | None = None,
                 students: dict[str, str | None] | None = None):
        self.config = config
        self.backend: Backend = backend or backends.for_config(config)
        self._class_view = class_view
        self._clients: dict[str, Any] = {}
        self._students = {} if students is None else students  # student -> their endpoint, shared with siblings
        self._account: str | None = None
        self._may_create = False
        self._opened = endpoint_url is not None
        self._endpoint_url = endpoint_url
        self.access_key = self.backend.access_key(config.aluno, class_view=class_view)
        dummy = self.backend.dummy_credentials
        self._boto = boto or (_shared_boto(dummy, config.regiao) if dummy else
                              _Boto(boto3.session.Session(region_name=config.regiao)))  # the environment's own

    def open(self) -> Sessao:
        """Do the backend's I/O once (start or connect to the emulator, probe LocalStack); returns self."""
        if not self._opened:
            self._endpoint_url = self.backend.open(class_view=self._class_view)
            self._opened = True
        return self

    @property
    def endpoint_url(self) -> str | None:
        return self.open()._endpoint_url

    def _student_endpoint(self, aluno: str) -> str | None:
        """Where `aluno`'s calls go: on a class emulator, the process that serves them (asked once)."""
        with self._boto.lock:
            if aluno in self._students:
                return self._students[aluno]
        known = self.backend.student_endpoint(self.endpoint_url, aluno)
        with self._boto.lock:
            self._students[aluno] = known
        return known

    def _sibling(self, aluno: str, endpoint_url: str | None) -> Sessao:
        """A session sharing this one's backend, boto3 session and clients (per endpoint); nothing is probed."""
        other = Sessao(replace(self.config, aluno=normalize_student(aluno)), backend=self.backend,
                       endpoint_url=endpoint_url, boto=self._boto, students=self._students)
        other.access_key = self.access_key
        with self._boto.lock:
            if endpoint_url == self._endpoint_url:
                other._clients = dict(self._clients)
        other._account = self._account
        other._may_create = self._may_create
        return other

    def for_student(self, aluno: str) -> Sessao:
        """The same backend, for another student (an instructor's view of a class): on a class emulator, at the
        process that serves that student. Clients already made for that endpoint are shared (boto3 clients are
        thread-safe)."""
        aluno = normalize_student(aluno)
        return self._sibling(aluno, self._student_endpoint(aluno))

    def per_process(self) -> list[Sessao]:
        """One session per process of a class emulator (to list what is on each); this session alone elsewhere."""
        urls = self.backend.process_endpoints(self.endpoint_url)
        if urls == [self.endpoint_url]:
            return [self]
        return [self._sibling(self.aluno, url) for url in urls]

    @property
    def aluno(self) -> str:
        return self.config.aluno

    @property
    def regiao(self) -> str:
        return self.config.regiao

    def client(self, service: str) -> Any:
        endpoint_url = self.endpoint_url
        with self._boto.lock:
            if service not in self._clients:
                made = self._boto.clients.setdefault((endpoint_url, self.access_key), {})
                if service not in made:
                    keys = ({"aws_access_key_id": self.access_key, "aws_secret_access_key": identity.SECRET}
                            if self.access_key else {})
                    made[service] = self._boto.session.client(service, endpoint_url=endpoint_url,
                                                             config=_BOTO_CONFIG, **keys)
                    self.backend.prepare_client(made[service])
                self._clients[service] = made[service]
            return self._clients[service]

    def set_client(self, service: str, client: Any) -> None:
        """Replace one client of this session (tests stub STS this way)."""
        with self._boto.lock:
            self._clients[service] = client

    def clientes(self) -> dict[str, Any]:
        return {name: self.client(name) for name in SERVICES}

    def account_id(self) -> str:
        if self._account is None:
            self._account = self.backend.account_id(self.client("sts"))
        return self._account

    def ensure_may_create(self) -> None:
        """Refuse unless the backend lets this student create (real AWS: the account confirmed)."""
        if self._may_create:
            return
        account = self.backend.confirm_may_create(self.client("sts"))
        if account is not None:
            self._account = account
        self._may_create = True

    @property
    def may_have_created(self) -> bool:
        """True once a helper got past ensure_may_create() (so something may exist to clean up)."""
        return self._may_create

    def announce_costs(self, text: str) -> None:
        """Print the cost estimate of what is about to be created (where it costs money)."""
        if self.backend.shows_costs:
            print(text, flush=True)


_current: Sessao | None = None
_current_lock = threading.Lock()


def sessao(config: Config | None = None) -> Sessao:
    """The session for the environment's settings (created on first use, reused after)."""
    global _current
    wanted = config or Config.from_env()
    with _current_lock:
        if _current is None or _current.config != wanted:
            _current = Sessao(wanted).open()
        return _current


def resolve(s: Sessao | None) -> Sessao:
    return s if s is not None else sessao()


def clientes(s: Sessao | None = None) -> dict[str, Any]:
    """boto3 clients (ec2, ecs, iam, elbv2, autoscaling, ssm, logs, ecr, sts, ...) pointed at the backend."""
    return resolve(s).clientes()


def client_error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


__all__ = ["Sessao", "sessao", "clientes", "resolve", "client_error_code", "ErroLab"]
