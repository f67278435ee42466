"""On real AWS, `ecslab simular` does the real thing.

- A Spot interruption of an EC2 instance goes through AWS Fault Injection Service (FIS): a role FIS assumes
  (`<aluno>-04-fis`, allowed to interrupt only instances tagged for the student), a one-off experiment template
  with the action aws:ec2:send-spot-instance-interruptions (the two-minute notice) targeting the instances, the
  experiment started and followed to its end, and the template deleted whatever happened.
- Load is real HTTP traffic to the service's load balancer, bounded in time and in rate, with a summary of the
  answers, errors and latency.

Both refuse what is not the student's own (tag ecslab:aluno, or the name prefix) before creating anything.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ecslab import naming
from ecslab.errors import ErroLab
from ecslab.provision.iam import get_or_create_role
from ecslab.session import Sessao, client_error_code

# --- Spot interruptions through AWS FIS ----------------------------------------------------------------------

LAB = "04"
FIS_ROLE_SUFFIX = "fis"
FIS_TEMPLATE_SUFFIX = "fis-spot"
FIS_POLICY_NAME = "interrupcoes-spot"
SPOT_ACTION = "aws:ec2:send-spot-instance-interruptions"
SPOT_RESOURCE_TYPE = "aws:ec2:spot-instance"
NOTICE = "PT2M"  # durationBeforeInterruption: the two-minute notice a real interruption gives
ROLE_PROPAGATION = 10.0  # IAM is eventually consistent: FIS cannot assume a role created a moment ago
FIS_USD_PER_ACTION_MINUTE = 0.10  # AWS FIS list price per action-minute (us-east-1)
POLL_SECONDS = 5.0
EXPERIMENT_TIMEOUT = 900.0
FINISHED = ("completed", "stopped", "failed", "cancelled")
STATUS_WORDS = {
    "pending": "na fila", "initiating": "iniciando", "running": "em execução", "completed": "concluído",
    "stopping": "parando", "stopped": "parado", "failed": "falhou", "cancelled": "cancelado",
}
_INSTANCE_ID = re.compile(r"^i-[0-9a-f]{8,17}$")


def fargate_spot_on_aws() -> ErroLab:
    """Why a Fargate Spot task cannot be interrupted on demand on AWS, and what to do instead."""
    return ErroLab(
        "Na AWS não há como provocar a interrupção de uma tarefa Fargate Spot: o AWS FIS só interrompe "
        "instâncias EC2 Spot, e parar a tarefa não é uma interrupção Spot. Nada foi feito.",
        dica="Para ver o serviço se recuperar, pare a tarefa você mesmo: ecs.stop_task(cluster=..., task=..., "
             "reason='teste') (ou `aws ecs stop-task`). Ela recebe SIGTERM e o serviço a substitui como numa "
             "interrupção, mas o motivo fica o seu, não \"Your Spot Task was interrupted.\". Para uma interrupção "
             "Spot de verdade, use `ecslab simular interrupcao-spot --instancia i-...` com uma instância EC2 Spot.",
    )


def fis_policy(s: Sessao, account: str) -> str:
    """What the FIS role may do: interrupt Spot instances tagged for this student, and describe instances."""
    partition = s.client("iam").meta.partition
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "InterromperInstanciasDoAluno", "Effect": "Allow",
             "Action": "ec2:SendSpotInstanceInterruptions",
             "Resource": f"arn:{partition}:ec2:*:{account}:instance/*",
             "Condition": {"StringEquals": {f"aws:ResourceTag/{naming.TAG_ALUNO}": s.aluno}}},
            {"Sid": "DescreverInstancias", "Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"},
        ],
    })


def ensure_fis_role(s: Sessao, account: str, sleep: Callable[[float], None] = time.sleep) -> str:
    """The role `<aluno>-04-fis` FIS assumes (idempotent); returns its ARN."""
    iam = s.client("iam")
    role_name = naming.name(s.aluno, LAB, FIS_ROLE_SUFFIX)
    arn, created = get_or_create_role(s, LAB, FIS_ROLE_SUFFIX, "fis.amazonaws.com",
                                      "ecslab: AWS FIS envia interrupcoes Spot para as instancias do aluno")
    try:
        iam.put_role_policy(RoleName=role_name, PolicyName=FIS_POLICY_NAME, PolicyDocument=fis_policy(s, account))
    except Exception:
        if created:  # leave nothing half-made: a role without its permissions is of no use
            try:
                iam.delete_role(RoleName=role_name)
            except Exception:
                pass
        raise
    if created:
        sleep(ROLE_PROPAGATION)
    return arn


def _not_found(ids: list[str], s: Sessao) -> ErroLab:
    return ErroLab(f"Instância não encontrada: {', '.join(ids)} (região {s.regiao}).",
                   dica="Confira o id (i-...) com `ecslab inventario`; a região vem de AWS_REGION.")


def check_spot_instances(s: Sessao, instance_ids: list[str]) -> list[dict[str, Any]]:
    """The instances, if each is the student's own, Spot and running; ErroLab otherwise."""
    try:
        reservations = s.client("ec2").describe_instances(InstanceIds=instance_ids)["Reservations"]
    except Exception as exc:
        if client_error_code(exc) in ("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"):
            raise _not_found(instance_ids, s) from None
        raise
    found = {inst["InstanceId"]: inst for res in reservations for inst in res.get("Instances", [])}
    missing = [i for i in instance_ids if i not in found]
    if missing:
        raise _not_found(missing, s)
    for instance_id in instance_ids:
        instance = found[instance_id]
        owner = naming.tags_from_kv(instance.get("Tags")).get(naming.TAG_ALUNO)
        if owner != s.aluno:
            raise ErroLab(
                f"A instância {instance_id} não é sua: ela não tem a tag {naming.TAG_ALUNO}={s.aluno}. Nada foi feito.",
                dica="Só interrompo instâncias criadas pelos laboratórios em seu nome, como as do grupo Auto Scaling "
                     "do laboratório 04; confira ECSLAB_ALUNO.",
            )
        if instance.get("InstanceLifecycle") != "spot":
            raise ErroLab(
                f"A instância {instance_id} é sob demanda, não Spot: não existe interrupção Spot para ela. "
                "Nada foi feito.",
                dica="Escolha uma instância com InstanceLifecycle 'spot', como as do grupo Auto Scaling do "
                     "laboratório 04 (ec2.describe_instances mostra o campo).",
            )
        state = instance.get("State", {}).get("Name", "?")
        if state != "running":
            raise ErroLab(f"A instância {instance_id} está {state}: o AWS FIS só interrompe instâncias em execução. "
                          "Nada foi feito.", dica="Escolha uma instância em execução (running).")
    return [found[i] for i in instance_ids]


def _stop_experiment(fis: Any, experiment_id: str) -> None:
    try:
        fis.stop_experiment(id=experiment_id)
    except Exception:  # it may have ended meanwhile
        pass


def _delete_template(fis: Any, template_id: str) -> None:
    try:
        fis.delete_experiment_template(id=template_id)
    except Exception as exc:
        if client_error_code(exc) != "ResourceNotFoundException":
            print(f"⚠️  Não consegui apagar o modelo de experimento {template_id} do AWS FIS "
                  f"({client_error_code(exc) or exc}); `ecslab limpar` o remove.")


def _follow(fis: Any, experiment: dict[str, Any], poll: float, timeout: float, sleep: Callable[[float], None],
            clock: Callable[[], float]) -> dict[str, Any]:
    """Poll the experiment until it ends (or stop it after `timeout` seconds); returns its last state."""
    deadline = clock() + timeout
    shown = None
    while True:
        state = experiment.get("state") or {}
        status = state.get("status", "?")
        if status != shown:
            print(f"   experimento {experiment['id']}: {STATUS_WORDS.get(status, status)}", flush=True)
            shown = status
        if status in FINISHED:
            return state
        if clock() >= deadline:
            _stop_experiment(fis, experiment["id"])
            raise ErroLab(
                f"O experimento {experiment['id']} do AWS FIS não terminou em {timeout / 60:.0f} minutos; "
                "pedi que ele pare.",
                dica="Acompanhe-o no console do AWS FIS (Experimentos) e veja o estado da instância no EC2.",
            )
        sleep(poll)
        experiment = fis.get_experiment(id=experiment["id"])["experiment"]


def interrupt_spot_instances(s: Sessao, instance_ids: list[str], *, poll: float = POLL_SECONDS,
                             timeout: float = EXPERIMENT_TIMEOUT, sleep: Callable[[float], None] = time.sleep,
                             clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Send the two-minute Spot interruption notice to the student's own EC2 Spot instances through AWS FIS."""
    ids = list(dict.fromkeys(instance_ids))
    malformed = [i for i in ids if not _INSTANCE_ID.match(i)]
    if malformed:
        raise ErroLab(f"Id de instância inválido: {', '.join(malformed)}.",
                      dica="Use o id da instância EC2, como i-0123456789abcdef0 (o campo ec2InstanceId da "
                           "instância de contêiner).")
    s.ensure_may_create()
    account = s.account_id()
    check_spot_instances(s, ids)
    per_minute = f"{FIS_USD_PER_ACTION_MINUTE:.2f}".replace(".", ",")
    notice = f"{2 * FIS_USD_PER_ACTION_MINUTE:.2f}".replace(".", ",")
    s.announce_costs(f"💲 Custo estimado: o AWS FIS cobra cerca de US$ {per_minute} por minuto de ação (preço de "
                     f"lista em us-east-1); esta interrupção, com o aviso de dois minutos, fica perto de US$ {notice}.")
    role_arn = ensure_fis_role(s, account, sleep)
    fis = s.client("fis")
    partition = fis.meta.partition
    template_name = naming.name(s.aluno, LAB, FIS_TEMPLATE_SUFFIX)
    tags = naming.tag_dict(s.aluno, LAB, template_name)
    template_id = fis.create_experiment_template(
        clientToken=str(uuid.uuid4()),
        description=f"ecslab: aviso de interrupção Spot para {', '.join(ids)} (aluno {s.aluno})"[:512],
        roleArn=role_arn,
        stopConditions=[{"source": "none"}],
        targets={"instanciasSpot": {
            "resourceType": SPOT_RESOURCE_TYPE, "selectionMode": "ALL",
            "resourceArns": [f"arn:{partition}:ec2:{s.regiao}:{account}:instance/{i}" for i in ids],
        }},
        actions={"interromper": {
            "actionId": SPOT_ACTION, "description": "aviso de dois minutos, depois a interrupção",
            "parameters": {"durationBeforeInterruption": NOTICE}, "targets": {"SpotInstances": "instanciasSpot"},
        }},
        tags=tags,
    )["experimentTemplate"]["id"]
    experiment_id = None
    try:
        experiment = fis.start_experiment(clientToken=str(uuid.uuid4()), experimentTemplateId=template_id,
                                          tags=tags)["experiment"]
        experiment_id = experiment["id"]
        print(f"🧪 AWS FIS: experimento {experiment_id} iniciado; aviso de dois minutos para {', '.join(ids)}.",
              flush=True)
        state = _follow(fis, experiment, poll, timeout, sleep, clock)
    except KeyboardInterrupt:
        if experiment_id:
            _stop_experiment(fis, experiment_id)
        raise
    finally:
        _delete_template(fis, template_id)
    status = state.get("status")
    if status != "completed":
        reason = state.get("reason") or (state.get("error") or {}).get("code") or "sem motivo informado"
        raise ErroLab(
            f"O experimento {experiment_id} do AWS FIS terminou como {STATUS_WORDS.get(status, status)}: {reason}.",
            dica=f"Confira se o perfil {naming.name(s.aluno, LAB, FIS_ROLE_SUFFIX)} existe com a política "
                 f"{FIS_POLICY_NAME} e se a instância ainda está em execução; os detalhes estão no console do "
                 "AWS FIS (Experimentos).",
        )
    for instance_id in ids:
        print(f"⚡ Aviso de dois minutos enviado para a instância {instance_id} "
              f"(AWS FIS, experimento {experiment_id}).")
    print("   Com ECS_ENABLE_SPOT_INSTANCE_DRAINING=true o agente põe a instância de contêiner em DRAINING e o "
          "serviço substitui as tarefas; depois a AWS interrompe a instância.")
    return {"instancias": ids, "tarefas": [], "experimento": experiment_id}


# --- real traffic to the service's load balancer --------------------------------------------------------------

DEFAULT_DURATION = 120.0
MAX_DURATION = 900.0
DEFAULT_RATE = 50.0
MAX_RATE = 500.0
REQUEST_TIMEOUT = 5.0
MAX_WORKERS = 100
PROGRESS_EVERY = 15.0
MAX_BODY = 1 << 16
USER_AGENT = "ecslab-carga"
NO_ANSWER = "sem resposta"
CPU_NOTE = ("ℹ️  Na AWS a métrica CPUUtilization do serviço (CloudWatch) sobe com o trabalho que a aplicação faz por "
            "requisição, não com um número escolhido: uma página estática quase não usa CPU. Por isso --cpu só vale "
            "no emulador.")


@dataclass
class TrafficSummary:
    url: str
    sent: int = 0
    answered: int = 0  # answers with an HTTP status below 400
    errors: dict[str, int] = field(default_factory=dict)  # "HTTP 503" or "sem resposta" -> count
    skipped: int = 0  # moments skipped because every worker was still waiting for an answer
    latencies: list[float] = field(default_factory=list)  # seconds, of the answered requests
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    def percentile(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    def text(self) -> str:
        how = "interrompido com Ctrl-C" if self.interrupted else "concluído"
        lines = [f"📊 Tráfego {how} em {self.elapsed:.1f} s: {self.sent} requisições "
                 f"({self.sent / self.elapsed if self.elapsed else 0:.1f}/s), {self.answered} respondidas, "
                 f"{self.failed} com erro."]
        if self.errors:
            lines.append("   Erros: " + ", ".join(f"{kind}: {n}" for kind, n in sorted(self.errors.items())) + ".")
        p50, p95 = self.percentile(50), self.percentile(95)
        if p50 is not None and p95 is not None:
            lines.append(f"   Latência das respondidas: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms.")
        if self.skipped:
            lines.append(f"   {self.skipped} requisições não foram enviadas: todas as conexões ainda esperavam "
                         "resposta (o serviço está lento ou sem tarefas saudáveis).")
        return "\n".join(lines)


def _number(value: Any, highest: float) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 < value <= highest


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else repr(value)


def check_bounds(duration: Any, rate: Any) -> tuple[float, float]:
    if not _number(duration, MAX_DURATION):
        raise ErroLab(f"Duração inválida para tráfego real: {_shown(duration)} s.",
                      dica=f"Use mais de 0 e até {MAX_DURATION:.0f} segundos (padrão {DEFAULT_DURATION:.0f}).")
    if not _number(rate, MAX_RATE):
        raise ErroLab(f"Taxa inválida: {_shown(rate)} requisições por segundo.",
                      dica=f"Use mais de 0 e até {MAX_RATE:.0f} requisições por segundo (padrão {DEFAULT_RATE:.0f}).")
    return float(duration), float(rate)


def send_traffic(url: str, duration: float, rate: float, *, timeout: float = REQUEST_TIMEOUT,
                 progress_every: float = PROGRESS_EVERY) -> TrafficSummary:
    """GET `url` at most `rate` times per second for `duration` seconds, from a small pool of threads.

    Request k is sent no earlier than k / rate seconds after the start, and none after `duration`; the call
    returns once the requests in flight have answered or timed out. Ctrl-C stops sending and still summarizes.
    """
    duration, rate = check_bounds(duration, rate)
    workers = min(MAX_WORKERS, max(4, math.ceil(rate / 5)))
    free = threading.BoundedSemaphore(workers)
    lock = threading.Lock()
    summary = TrafficSummary(url)

    def one() -> None:
        started = time.monotonic()
        kind = None
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read(MAX_BODY)
        except urllib.error.HTTPError as err:
            kind = f"HTTP {err.code}"
            err.close()
        except (OSError, ValueError):  # URLError, timeouts, refused or reset connections
            kind = NO_ANSWER
        finally:
            took = time.monotonic() - started
            with lock:
                if kind is None:
                    summary.answered += 1
                    summary.latencies.append(took)
                else:
                    summary.errors[kind] = summary.errors.get(kind, 0) + 1
            free.release()

    start = time.monotonic()
    end = start + duration
    next_report = start + progress_every
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecslab-carga")
    try:
        for index in range(math.ceil(duration * rate)):
            due = start + index / rate
            if due >= end:
                break
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if free.acquire(blocking=False):
                summary.sent += 1
                executor.submit(one)
            else:
                summary.skipped += 1
            if progress_every and time.monotonic() >= next_report:
                next_report += progress_every
                with lock:
                    done, failed = summary.answered, summary.failed
                print(f"   {time.monotonic() - start:.0f} s: {summary.sent} enviadas, {done} respondidas, "
                      f"{failed} com erro", flush=True)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        executor.shutdown(wait=True)  # what is in flight ends within `timeout`
        summary.elapsed = time.monotonic() - start
    return summary


def _owned(s: Sessao, service: dict[str, Any]) -> bool:
    tags = naming.tags_from_kv(service.get("tags"))
    if naming.TAG_ALUNO in tags:
        return tags[naming.TAG_ALUNO] == s.aluno
    return naming.owns(s.aluno, service.get("serviceName", ""))


def service_url(s: Sessao, cluster: str, service: str) -> str:
    """The URL of the load balancer in front of the student's service: service → target group → load balancer
    → its HTTP listener (HTTPS when there is no HTTP one)."""
    ecs, elb = s.client("ecs"), s.client("elbv2")
    service_name = service.rsplit("/", 1)[-1]
    try:
        found = ecs.describe_services(cluster=cluster, services=[service], include=["TAGS"])["services"]
    except Exception as exc:
        if client_error_code(exc) == "ClusterNotFoundException":
            raise ErroLab(f"Cluster não encontrado: {cluster}.", dica="Confira o nome ou o ARN do cluster.") from None
        raise
    active = [x for x in found if x.get("status") == "ACTIVE"]
    if not active:
        raise ErroLab(f"Serviço {service_name} não encontrado no cluster {cluster.rsplit('/', 1)[-1]}.",
                      dica="Confira o nome do cluster e do serviço (o serviço precisa estar ACTIVE).")
    svc = active[0]
    if not _owned(s, svc):
        raise ErroLab(f"O serviço {svc['serviceName']} não é seu: só mando tráfego para serviços dos laboratórios "
                      f"em seu nome (tag {naming.TAG_ALUNO}={s.aluno}). Nada foi enviado.",
                      dica="Confira ECSLAB_ALUNO e o nome do serviço.")
    groups = [lb["targetGroupArn"] for lb in svc.get("loadBalancers", []) if lb.get("targetGroupArn")]
    if not groups:
        raise ErroLab(f"O serviço {svc['serviceName']} não está atrás de um balanceador de carga: não há para onde "
                      "mandar tráfego real.",
                      dica="Use um serviço com loadBalancers (um grupo de destino de um ALB), como o do laboratório "
                           "03, ou gere a carga de dentro da aplicação.")
    balancers = list(dict.fromkeys(
        arn for group in elb.describe_target_groups(TargetGroupArns=groups)["TargetGroups"]
        for arn in group.get("LoadBalancerArns", [])
    ))
    if not balancers:
        raise ErroLab("O grupo de destino do serviço não está ligado a nenhum balanceador de carga.",
                      dica="Crie um listener no balanceador que encaminhe para o grupo de destino do serviço.")
    lb = elb.describe_load_balancers(LoadBalancerArns=balancers[:1])["LoadBalancers"][0]
    if lb.get("Scheme") == "internal":
        raise ErroLab(f"O balanceador {lb.get('LoadBalancerName', '')} é interno: só é alcançável de dentro da VPC.",
                      dica="Gere o tráfego de uma máquina dentro da VPC ou use um balanceador voltado para a "
                           "internet (Scheme internet-facing).")
    listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    rank = {"HTTP": 0, "TCP": 1, "HTTPS": 2}
    usable = sorted((x for x in listeners if x.get("Protocol") in rank),
                    key=lambda x: (rank[x["Protocol"]], x["Port"] not in (80, 443), x["Port"]))
    if not usable:
        raise ErroLab(f"O balanceador {lb.get('LoadBalancerName', '')} não tem listener HTTP ou HTTPS.",
                      dica="Crie um listener HTTP na porta 80 que encaminhe para o grupo de destino do serviço.")
    listener = usable[0]
    scheme = "https" if listener["Protocol"] == "HTTPS" else "http"
    default = 443 if scheme == "https" else 80
    port = "" if listener["Port"] == default else f":{listener['Port']}"
    return f"{scheme}://{lb['DNSName']}{port}/"


def real_load(s: Sessao, cluster: str, service: str, *, duration: float = DEFAULT_DURATION,
              rate: float = DEFAULT_RATE, timeout: float = REQUEST_TIMEOUT) -> TrafficSummary:
    """Real traffic to the student's own service through its load balancer, bounded in time and rate."""
    duration, rate = check_bounds(duration, rate)
    s.ensure_may_create()
    url = service_url(s, cluster, service)
    print(f"📈 Tráfego real para {url} por {duration:.0f} s, até {rate:.0f} requisições por segundo "
          "(Ctrl-C para parar antes).", flush=True)
    summary = send_traffic(url, duration, rate, timeout=timeout)
    print(summary.text())
    print(CPU_NOTE)
    return summary
