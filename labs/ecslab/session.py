"""boto3 clients pointed at the chosen backend, with retries on."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

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
    clients: dict[str | None, dict[str, Any]] = field(default_factory=dict)


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

    On a class emulator (ECSLAB_ENDPOINT) the session talks to the class's process that serves its student (the
    class may run one process per core: ecslab.emulator.directory). `class_view` is the instructor's session
    instead: it talks to the class's first process, `for_student` reaches each student's and `per_process` every one.
    """

    def __init__(self, config: Config, *, start_emulator: bool = True, class_view: bool = False):
        self.config = config
        self._clients: dict[str, Any] = {}
        self._students: dict[str, str] = {}  # student -> their process's endpoint, shared with for_student sessions
        self._account: str | None = None
        self._may_create = False
        self.endpoint_url: str | None = None
        if config.backend == "emulador":
            from ecslab.backends import emulador

            self._boto = _shared_boto("testing", config.regiao)
            if config.endpoint:  # the class emulator (ECSLAB_ENDPOINT): connect, never start one here
                if start_emulator:
                    emulador.conectar(config.endpoint)
                self.endpoint_url = config.endpoint if class_view else self._student_endpoint(config.aluno)
            else:
                if start_emulator:
                    emulador.start(config.porta, config.regiao)
                self.endpoint_url = emulador.endpoint(config.porta)
        elif config.backend == "localstack":
            from ecslab.backends import localstack

            self.endpoint_url = localstack.check()
            self._boto = _shared_boto("test", config.regiao)
        else:  # the credentials of the environment, read by this session alone
            self._boto = _Boto(boto3.session.Session(region_name=config.regiao))

    @property
    def on_class_emulator(self) -> bool:
        return self.config.backend == "emulador" and bool(self.config.endpoint)

    def _student_endpoint(self, aluno: str) -> str | None:
        """Where `aluno`'s calls go: on a class emulator, the process that serves them (asked once)."""
        if not self.on_class_emulator:
            return self.endpoint_url
        with self._boto.lock:
            known = self._students.get(aluno)
        if known is None:
            from ecslab.backends import emulador

            known = emulador.student_endpoint(str(self.config.endpoint), aluno)
            with self._boto.lock:
                self._students[aluno] = known
        return known

    def _sibling(self, aluno: str, endpoint_url: str | None) -> Sessao:
        """A session sharing this one's backend, boto3 session and clients (per endpoint); nothing is probed."""
        other = Sessao.__new__(Sessao)
        other.config = replace(self.config, aluno=normalize_student(aluno))
        other._students = self._students
        with self._boto.lock:
            other._clients = dict(self._clients) if endpoint_url == self.endpoint_url else {}
        other._account = self._account
        other._may_create = self._may_create
        other.endpoint_url = endpoint_url
        other._boto = self._boto
        return other

    def for_student(self, aluno: str) -> Sessao:
        """The same backend, for another student (an instructor's view of a class): on a class emulator, at the
        process that serves that student. Clients already made for that endpoint are shared (boto3 clients are
        thread-safe)."""
        aluno = normalize_student(aluno)
        return self._sibling(aluno, self._student_endpoint(aluno))

    def per_process(self) -> list[Sessao]:
        """One session per process of a class emulator (to list what is on each); this session alone elsewhere."""
        if not self.on_class_emulator:
            return [self]
        from ecslab.backends import emulador

        return [self._sibling(self.aluno, url) for url in emulador.class_endpoints(str(self.config.endpoint))]

    @property
    def aluno(self) -> str:
        return self.config.aluno

    @property
    def backend(self) -> str:
        return self.config.backend

    @property
    def regiao(self) -> str:
        return self.config.regiao

    def client(self, service: str) -> Any:
        with self._boto.lock:
            if service not in self._clients:
                made = self._boto.clients.setdefault(self.endpoint_url, {})
                if service not in made:
                    made[service] = self._boto.session.client(service, endpoint_url=self.endpoint_url,
                                                             config=_BOTO_CONFIG)
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
            if self.backend == "aws":
                from ecslab.backends import aws

                self._account = aws.account_id(self.client("sts"))
            else:
                self._account = self.client("sts").get_caller_identity()["Account"]
        return self._account

    def ensure_may_create(self) -> None:
        """On real AWS, refuse unless the student confirmed the account. No-op elsewhere."""
        if self._may_create:
            return
        if self.backend == "aws":
            from ecslab.backends import aws

            self._account = aws.require_confirmation(self.client("sts"))
        self._may_create = True

    @property
    def may_have_created(self) -> bool:
        """True once a helper got past ensure_may_create() (so something may exist to clean up)."""
        return self._may_create

    def announce_costs(self, text: str) -> None:
        """Print the cost estimate of what is about to be created (AWS only)."""
        if self.backend == "aws":
            print(text, flush=True)


_current: Sessao | None = None
_current_lock = threading.Lock()


def sessao(config: Config | None = None) -> Sessao:
    """The session for the environment's settings (created on first use, reused after)."""
    global _current
    wanted = config or Config.from_env()
    with _current_lock:
        if _current is None or _current.config != wanted:
            _current = Sessao(wanted)
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
