"""What every backend answers for the rest of the package: where boto3 points, how long waits last, whether
things may be created, how time passes, and how a Spot interruption or load is produced. Code outside this
package asks the backend object and never compares its name."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecslab.errors import BackendFora, ErroLab

if TYPE_CHECKING:
    from ecslab.config import Config
    from ecslab.session import Sessao


@dataclass(frozen=True)
class Timings:
    """Every wait of the package, per backend (seconds)."""

    poll: float  # pause between two looks at something still changing (waits, checks, provisioning, cleanup)
    service_stable: float  # how long esperar_servico waits for a steady service by default
    checks: float  # how long a lab's checks may wait for what is still starting
    cleanup: float  # how long cleanup retries a resource still in use
    deletions: float  # how long slow deletions (NAT gateways, Auto Scaling groups) may take; 0: they are immediate
    deletion_poll: float  # pause between two looks at such a deletion
    iam_settle: float  # pause after creating an instance profile before EC2 can use it (IAM is eventually consistent)


class Backend:
    """A backend: the embedded emulator, LocalStack or real AWS. One instance per configuration."""

    name: str = ""
    timings: Timings
    dummy_credentials: str | None = None  # fake credentials it accepts (None: the environment's own)
    shows_costs = False  # what is created costs money: print the estimate first
    has_fis = False  # AWS Fault Injection Service exists there (ecslab simular may leave FIS templates)
    simulates_image_pushes = False  # publicar_imagem stores a manifest instead of running docker

    def __init__(self, config: Config):
        self.config = config

    def __str__(self) -> str:
        return self.name

    # --- where boto3 points ----------------------------------------------------------------------------------

    def open(self, *, class_view: bool = False) -> str | None:
        """Do what the backend needs before its first call (start, connect, probe); return boto3's endpoint URL
        (None: AWS's own endpoints)."""
        return None

    def student_endpoint(self, endpoint_url: str | None, aluno: str) -> str | None:
        """Where `aluno`'s calls go (a class emulator may serve students from several processes)."""
        return endpoint_url

    def process_endpoints(self, endpoint_url: str | None) -> list[str | None]:
        """Every endpoint that holds students' resources (to list all of them)."""
        return [endpoint_url]

    def instructor_config(self) -> Config:
        """The configuration of an instructor's view of the class on this backend (checked to be reachable)."""
        return self.config

    def class_key(self) -> int | str:
        """What tells one class's records from another's on this machine (see ecslab.turma)."""
        return self.name

    def prepare_client(self, client: Any) -> None:
        """Adjust a boto3 client this backend's session just made (the emulator fails fast when it is gone)."""

    def unreachable(self, url: str | None) -> BackendFora:
        """What to tell a student whose calls cannot reach the backend at all."""
        where = url or f"a região {self.config.regiao}"
        return BackendFora(f"Não consegui me conectar com {self.name} em {where}.",
                           dica="Confira a conexão com a internet (e a VPN ou o proxy, se houver) e rode de novo.")

    # --- identity and money ----------------------------------------------------------------------------------

    def access_key(self, aluno: str, *, class_view: bool) -> str | None:
        """The access key id a session of `aluno` (or the instructor's class view) signs with: the dummy credentials
        where there are some; None: the environment's own credentials."""
        return self.dummy_credentials

    def account_id(self, sts: Any) -> str:
        return sts.get_caller_identity()["Account"]

    def confirm_may_create(self, sts: Any) -> str | None:
        """Refuse (ErroLab) unless creating is allowed here; the account id when it was read on the way."""
        return None

    # --- time, Spot interruptions, load ----------------------------------------------------------------------

    def pass_time(self, s: Sessao, seconds: float) -> None:
        """Let `seconds` pass (the emulator jumps its clock, elsewhere time really passes)."""
        time.sleep(seconds)

    def advance_clock(self, s: Sessao, seconds: float) -> None:
        """Move a simulated clock forward (only the emulator has one)."""
        raise ErroLab(f"O backend {self.name} não tem relógio simulado para adiantar.",
                      dica="Use ecslab.aguardar(segundos), que espera de verdade fora do emulador.")

    def interrupt_spot(self, s: Sessao, instances: list[str], tasks: list[str]) -> dict[str, list[str]]:
        raise self._not_here("como provocar interrupções Spot (nem simuladas nem pelo AWS FIS)")

    def apply_load(self, s: Sessao, cluster: str, service: str, cpu: float | None, duration: float | None,
                   rate: float | None) -> bool:
        raise self._not_here("carga sintética, e os serviços dela não recebem tráfego real por um balanceador")

    def _not_here(self, what: str) -> ErroLab:
        return ErroLab(f"O backend {self.name} não tem {what}.",
                       dica="Use o emulador do curso (ECSLAB_BACKEND=emulador), que simula, ou a AWS real "
                            "(ECSLAB_BACKEND=aws), onde `ecslab simular` faz o evento de verdade.")

    # --- the class emulator's audit log ----------------------------------------------------------------------

    def audit_entries(self, s: Sessao) -> list[dict[str, Any]]:
        """The refused writes and the changes to a student's resources by another identity (only a class emulator
        keeps an audit log; on AWS, CloudTrail does)."""
        return []

    # --- lab 06's decision -----------------------------------------------------------------------------------

    def store_decision(self, s: Sessao, record: dict[str, Any]) -> str:
        """Keep lab 06's decision beyond this machine's file; returns where (empty: nowhere else)."""
        return ""

    def read_decision(self, s: Sessao, aluno: str) -> dict[str, Any] | None:
        """Lab 06's decision of `aluno` kept by the backend (None: not kept there)."""
        return None
