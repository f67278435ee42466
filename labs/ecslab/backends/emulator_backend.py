"""The embedded emulator as a backend: started here (or the class emulator of ECSLAB_ENDPOINT, connected to), a
clock that jumps, and Spot interruptions, load and lab 06's decisions through the emulator's own endpoints."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

from ecslab import identity
from ecslab.backends import emulador
from ecslab.backends.base import Backend, Timings
from ecslab.config import normalize_student
from ecslab.endpoints import AUDIT_PATH, CLOCK_PATH, DECISION_PATH, LOAD_PATH, SPOT_PATH
from ecslab.errors import BackendFora, ErroLab

CONNECTION_ERRORS = (EndpointConnectionError, ConnectionClosedError)
# A call to the emulator's own endpoints waits as long as boto3 waits for an AWS answer (botocore's read_timeout):
# on a class emulator busy with thirty students it may queue behind other calls; a stopped emulator fails at once.
ENDPOINT_TIMEOUT = 60.0

if TYPE_CHECKING:
    from ecslab.config import Config
    from ecslab.session import Sessao


def _unanswered(what: str, status: int, body: dict[str, Any] | None = None) -> ErroLab:
    """The emulator refused or did not answer one of its own endpoints. Never advise `reiniciar` here: a restart
    is not a fix for a refused request, and a student may lose work to it."""
    reason = f": {body['erro']}" if body and body.get("erro") else ""
    return ErroLab(f"O emulador não atendeu {what} (HTTP {status or 'sem resposta'}){reason}.",
                   dica="Confira o pedido (ids e nomes) e se o emulador responde, com `ecslab emulador status`.")


class Emulador(Backend):
    name = "emulador"
    timings = Timings(poll=0.2, service_stable=30.0, checks=15.0, cleanup=60.0, deletions=0.0, deletion_poll=0.0,
                      iam_settle=0.0)
    dummy_credentials = "testing"
    simulates_image_pushes = True

    @property
    def on_class_emulator(self) -> bool:
        return bool(self.config.endpoint)

    def access_key(self, aluno: str, *, class_view: bool) -> str | None:
        """On a class emulator, who calls (ecslab.identity): the instructor's class view or the student."""
        if not self.on_class_emulator:
            return self.dummy_credentials
        return identity.INSTRUCTOR_KEY if class_view else identity.student_key(aluno)

    def open(self, *, class_view: bool = False) -> str | None:
        if self.config.endpoint:  # the class emulator (ECSLAB_ENDPOINT): connect, never start one here
            emulador.conectar(self.config.endpoint)
            if class_view:
                return self.config.endpoint
            if not self.config.aluno_escolhido:  # identical lab machines share a user name: one student for all
                raise ErroLab(
                    "No emulador da turma, cada aluno precisa de um nome seu: defina ECSLAB_ALUNO.",
                    dica="No terminal: export ECSLAB_ALUNO=seunome (letras e dígitos, como joao ou ana2); num "
                         "notebook, %env ECSLAB_ALUNO=seunome na primeira célula, antes de importar o ecslab. Sem "
                         f"ele, todos desta máquina seriam {self.config.aluno!r}, e a limpeza de um apagaria a dos "
                         "outros.")
            return emulador.student_endpoint(self.config.endpoint, self.config.aluno, spelling=self._spelling())
        emulador.start(self.config.porta, self.config.regiao)
        return emulador.endpoint(self.config.porta)

    def _spelling(self) -> str:
        """How the student wrote their name: ECSLAB_ALUNO when it is the session's (before normalize_student)."""
        written = (os.environ.get("ECSLAB_ALUNO") or "").strip()
        try:
            return written if written and normalize_student(written) == self.config.aluno else self.config.aluno
        except ErroLab:
            return self.config.aluno

    def student_endpoint(self, endpoint_url: str | None, aluno: str) -> str | None:
        if not self.config.endpoint:
            return endpoint_url
        return emulador.student_endpoint(self.config.endpoint, aluno)

    def process_endpoints(self, endpoint_url: str | None) -> list[str | None]:
        if not self.config.endpoint:
            return [endpoint_url]
        return list(emulador.class_endpoints(self.config.endpoint))

    def instructor_config(self) -> Config:
        """The class emulator: the one of ECSLAB_ENDPOINT, or the one this machine runs (never started here)."""
        from ecslab.turma.emulator import endpoint_instrutor

        if self.config.endpoint:  # the class emulator of another machine
            return self.config
        url = endpoint_instrutor(self.config.porta)
        found = emulador.probe_url(url)
        if found.estado == "outro":
            raise ErroLab(f"Em {url} responde {found.descricao}, não o emulador do ecslab.",
                          dica="Confira a porta (--porta ou ECSLAB_PORTA).")
        if found.estado != "nosso":
            raise ErroLab(f"Nenhum emulador da turma responde em {url}.",
                          dica=f"Inicie-o com `ecslab turma iniciar --porta {self.config.porta}` (ou confira "
                               "--porta).")
        return replace(self.config, endpoint=url)

    def prepare_client(self, client: Any) -> None:
        """boto3 retries a refused connection up to eight times with growing pauses (over a minute in all). A
        refused connection to the emulator means it is gone: ask it once and, when it is, say so at once."""
        def gone(caught_exception: Exception | None = None, request_dict: Any = None, **_: Any) -> None:
            if isinstance(caught_exception, CONNECTION_ERRORS):
                url = (request_dict or {}).get("url") or ""
                base = "/".join(url.split("/", 3)[:3]) if url else self.config.endpoint or emulador.endpoint(
                    self.config.porta)
                if emulador.probe_url(base, timeout=1.0).estado != "nosso":
                    raise self.unreachable(base)

        client.meta.events.register_first("needs-retry", gone)

    def unreachable(self, url: str | None) -> BackendFora:
        if self.config.endpoint:
            return BackendFora(
                f"O emulador da turma não responde em {url}.",
                dica="Avise o instrutor: ele confere com `ecslab turma iniciar` (que só inicia o que parou, com o "
                     "estado gravado de volta). Depois, rode a célula (ou o comando) de novo.")
        return BackendFora(
            f"O emulador não responde em {url}: ele parou.",
            dica="Inicie-o com `ecslab emulador iniciar` num terminal e rode a célula (ou o comando) de novo: o "
                 "estado gravado (seus recursos e o relógio simulado) volta com ele.")

    def class_key(self) -> int | str:
        return self.config.porta

    def _call(self, s: Sessao, path: str, payload: dict[str, Any] | None = None,
              timeout: float = ENDPOINT_TIMEOUT) -> tuple[int, dict[str, Any]]:
        return emulador.call_endpoint(s.endpoint_url or "", path, payload, timeout, access_key=s.access_key)

    def pass_time(self, s: Sessao, seconds: float) -> None:
        """The clock jumps; on a class emulator the clock is the instructor's, so a student waits for the simulated
        time to pass (ECSLAB_ESCALA_TEMPO times faster than real time)."""
        if identity.identity_of_key(s.access_key).kind != identity.STUDENT:
            self.advance_clock(s, seconds)
            return
        status, body = self._call(s, CLOCK_PATH)
        scale = body.get("escala") if status == 200 else None
        if not isinstance(scale, int | float) or scale <= 0:
            raise _unanswered("a leitura do relógio", status, body)
        time.sleep(seconds / scale)

    def advance_clock(self, s: Sessao, seconds: float) -> None:
        status, body = self._call(s, CLOCK_PATH, {"avancar": float(seconds)})
        if status != 200:
            raise _unanswered("o avanço do relógio", status, body)

    def interrupt_spot(self, s: Sessao, instances: list[str], tasks: list[str]) -> dict[str, list[str]]:
        status, body = self._call(s, SPOT_PATH, {"instancias": instances, "tarefas": tasks, "regiao": s.regiao})
        if status != 200:
            raise _unanswered("a interrupção Spot", status, body)
        done = {"instancias": list(body.get("instancias") or []), "tarefas": list(body.get("tarefas") or [])}
        for instance_id in done["instancias"]:
            print(f"⚡ Aviso de dois minutos enviado para a instância {instance_id}.")
        for arn in done["tarefas"]:
            print(f"⚡ Tarefa Fargate Spot interrompida: {arn.rsplit('/', 1)[-1]}.")
        return done

    def apply_load(self, s: Sessao, cluster: str, service: str, cpu: float | None, duration: float | None,
                   rate: float | None) -> bool:
        if cpu is None:
            raise ErroLab("Informe a CPU que as tarefas devem reportar.",
                          dica="No emulador a carga é uma porcentagem de CPU: cpu=90 (ou --cpu 90).")
        if rate is not None:
            print("ℹ️  --taxa (taxa=...) só vale na AWS, onde a carga é tráfego real; no emulador a carga é a CPU "
                  "pedida.")
        payload = {"cluster": cluster.rsplit("/", 1)[-1], "servico": service.rsplit("/", 1)[-1],
                   "cpu": float(cpu), "regiao": s.regiao}
        if duration is not None:
            payload["duracao"] = float(duration)
        status, body = self._call(s, LOAD_PATH, payload)
        if status == 404 and body.get("erro"):
            raise ErroLab(f"O emulador recusou a carga: {body['erro']}.",
                          dica="Confira o nome do cluster e do serviço (o serviço precisa estar ACTIVE).")
        if status != 200:
            raise _unanswered("a carga de CPU", status, body)
        until = f" por {duration:.0f} s (tempo simulado)" if duration is not None else ""
        print(f"📈 Carga simulada: as tarefas de {service.rsplit('/', 1)[-1]} passam a usar {cpu:.0f}% de CPU"
              f"{until}.")
        return True

    def audit_entries(self, s: Sessao) -> list[dict[str, Any]]:
        if not self.on_class_emulator:
            return []
        found: list[dict[str, Any]] = []
        for url in self.process_endpoints(s.endpoint_url):
            status, body = emulador.call_endpoint(url or "", AUDIT_PATH, timeout=ENDPOINT_TIMEOUT,
                                                  access_key=s.access_key)
            if status != 200:
                raise _unanswered("a leitura do registro de auditoria", status, body)
            found += [entry for entry in body.get("ocorrencias") or () if isinstance(entry, dict)]
        return sorted(found, key=lambda entry: str(entry.get("quando", "")))

    def store_decision(self, s: Sessao, record: dict[str, Any]) -> str:
        status, _ = self._call(s, DECISION_PATH, {"aluno": s.aluno, "registro": record, "regiao": s.regiao})
        if status != 200:
            raise ErroLab(f"O emulador não guardou a decisão (HTTP {status or 'sem resposta'}); o arquivo local "
                          "foi gravado.", dica="Confira com `ecslab emulador status` e rode a célula de novo.")
        return "no emulador"

    def read_decision(self, s: Sessao, aluno: str) -> dict[str, Any] | None:
        query = urlencode({"aluno": aluno, "regiao": s.regiao})
        status, body = self._call(s, f"{DECISION_PATH}?{query}")
        if status == 200 and isinstance(body.get("registro"), dict):
            return body["registro"]
        return None
