"""Load test of a class on the class emulator: N simulated students take every lab at the same time.

    .venv/bin/python scripts/bench_turma.py [--alunos 30] [--tempo-max 900] [--pausa SEG] [--processos N] [--porta N]

By default the students never pause: every call follows the previous one at once, the worst case for one emulator
(its calls take turns on one lock). --pausa SEG gives each student a reading pause before each lab, random
(exponential, SEG seconds on average, the same for every run), so the class spreads out in time as a real one
does: even --pausa 30 is a class far faster than any real one (the instructors' guide plans 15 to 60 minutes
per lab).

One class emulator is started on free ports of 127.0.0.1 (nothing leaves the machine) the way `ecslab turma
iniciar` does: one process per core unless --processos says otherwise, each student placed on one of them; --porta
uses a class emulator already running there instead (for instance one started under a profiler), and leaves it
running.

Each student is a thread with its own `Sessao` (aluno01 … alunoNN) and goes through the labs the way the notebooks
do: 00 (identity, the security-group exercise and its cleanup), 01 … 05 with `preparar_lab` plus the notebooks'
extra steps (the unplaceable service of lab 02, a stopped task in lab 03, both Spot
interruptions of lab 04, the synthetic load and the clock jumps of lab 05), 06 (costs and the decision file), the
checks of labs 00 … 06, then 99 (`limpar`, an empty inventory, the checks of lab 99).

Measured: every boto3 API call's latency on the client (around `BaseClient._make_api_call`, so paging, waiters
and retries included) and every HTTP attempt's status (botocore's `response-received` event, so a 5xx hidden by a
retry still counts); the emulator-only calls (the emulator backend's own endpoints) are timed too.

Cross-student changes are proven two ways, and either one failing fails the run:

1. Snapshots. When a student has finished labs 00-06 and its checks, it takes a fingerprint of what it owns: its
   inventory (type, id, name, lab of every resource), the ingress rules of its security groups, the routes of its
   route tables and the capacity providers and default strategy of its clusters. Left out on purpose: tasks,
   container instances and EC2 instances, which ECS and the Auto Scaling groups replace by themselves as
   (shared) simulated time passes. Every student waits until the whole class has finished building; then the
   first half compares its fingerprint and cleans up, and only when that half is done does the second half
   compare its fingerprint and clean up. So each fingerprint is compared after all the other students' builds,
   Spot interruptions and load, and half of the fingerprints after the other half's cleanup too. Any difference
   is a change made by someone else.
2. A write audit. Every call that is not Describe*/List*/Get* (and every emulator-only call) is recorded with
   its parameters. Each identifier in them is attributed to a student: names and ARNs by the `<aluno>-<lab>-`
   prefix (naming.owner), `ecslab:aluno` tag values directly, and bare EC2 ids (vpc-, subnet-, sg-, i-, ...) by
   an ownership table built, after the class, from every response any student received: an object that carries
   the tag `ecslab:aluno=X` makes X the owner of every EC2 id inside it (an id seen under two owners is itself
   reported).
   Shared by design, and so never an owner: the default VPC, AWS managed policies, AMIs. A write that names
   another student's resource is a cross-student change; a write with no attributable identifier is reported
   as unattributed (and also fails the run: the audit could not prove it harmless). The shared simulated clock
   (`ecslab.aguardar` in lab 05 moves forward the time of everyone on the student's process) is not a resource and is
not audited.

At the end it prints, in Portuguese: students, wall time, calls, p50/p95/p99 latency, HTTP 5xx, checks green per
student, cross-student changes, the time of each lab, the slowest operations, and the class report of
`ecslab.turma.report`, read once the whole class has built and before anyone cleans up (what an instructor sees
on the board at the end of the day). Exit status 1 when a check fails,
any 5xx was seen, a cross-student change or an unattributed write was found, a student failed, or --tempo-max
ran out. Targets: 30 students in at most 10 minutes with p95 at most 250 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

TARGET_WALL_S = 600.0
TARGET_P95_MS = 250.0
CHECK_LABS = ("00", "01", "02", "03", "04", "05", "06")
CHECK_WAIT_S = 60.0
READ_PREFIXES = ("Describe", "List", "Get")
EC2_ID_RE = re.compile(r"^(vpc|subnet|sg|igw|rtb|rtbassoc|nat|eipalloc|eipassoc|lt|i|eni)-[0-9a-f]{8,17}$")
TAG_KEYS = ("Tags", "tags", "TagList", "TagSet")
# Managed by ECS or an Auto Scaling group as (shared) simulated time passes, not by the student.
UNSTABLE_TYPES = ("tarefa", "instancia-de-conteiner", "instancia")


class Abortado(Exception):
    """--tempo-max ran out."""


# --- measurements ----------------------------------------------------------------------------------------------


_local = threading.local()


def current_student() -> str:
    return getattr(_local, "aluno", None) or "professor"


@dataclass
class Escrita:
    aluno: str
    operacao: str
    parametros: Any


@dataclass
class Medidas:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencias_ms: list[float] = field(default_factory=list)
    por_operacao: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    tentativas: int = 0
    erros_5xx: list[str] = field(default_factory=list)
    sem_resposta: list[str] = field(default_factory=list)
    escritas: list[Escrita] = field(default_factory=list)
    donos: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    respostas: list[Any] = field(default_factory=list)  # walked for owners after the class (harvest_kept)
    espera_relogio: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # s per student

    def waited(self, seconds: float) -> None:
        with self.lock:
            self.espera_relogio[current_student()] += seconds

    def call(self, operation: str, ms: float) -> None:
        with self.lock:
            self.latencias_ms.append(ms)
            self.por_operacao[operation].append(ms)

    def write(self, operation: str, params: Any) -> None:
        with self.lock:
            self.escritas.append(Escrita(current_student(), operation, params))

    def harvest_kept(self) -> None:
        """The owners in every response kept during the class: walked afterwards, so that this script's own
        work does not make the students' calls wait (they share one interpreter)."""
        kept, self.respostas = self.respostas, []
        for obj in kept:
            self.harvest(obj)

    def harvest(self, obj: Any, owner: str | None = None) -> None:
        """Owners of bare EC2 ids, from objects that carry the ecslab:aluno tag (see the module docstring)."""
        found: list[tuple[str, str]] = []
        _walk_owned(obj, owner, found)
        if found:
            with self.lock:
                for ident, who in found:
                    self.donos[ident].add(who)


def _tag_owner(obj: dict[str, Any]) -> str | None:
    from ecslab import naming

    for key in TAG_KEYS:
        tags = obj.get(key)
        if isinstance(tags, list):
            value = naming.tags_from_kv([t for t in tags if isinstance(t, dict)]).get(naming.TAG_ALUNO)
            if value:
                return value
    return None


def _walk_owned(obj: Any, owner: str | None, found: list[tuple[str, str]]) -> None:
    if isinstance(obj, dict):
        owner = _tag_owner(obj) or owner
        for value in obj.values():
            _walk_owned(value, owner, found)
    elif isinstance(obj, list):
        for value in obj:
            _walk_owned(value, owner, found)
    elif isinstance(obj, str) and owner:
        for part in obj.split(","):
            if EC2_ID_RE.match(part.strip()):
                found.append((part.strip(), owner))


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def instrument(medidas: Medidas) -> None:
    """Time every boto3 call and record writes and owners; time the emulator-only calls (its own endpoints)."""
    from botocore.client import BaseClient

    from ecslab.backends.emulator_backend import Emulador
    from ecslab.endpoints import CLOCK_PATH

    original = BaseClient._make_api_call

    def timed(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        if not getattr(self, "_bench_watched", False):  # every client, also those made later (another process's)
            with medidas.lock:
                if not getattr(self, "_bench_watched", False):
                    watch_responses(self, medidas)
                    self._bench_watched = True
        service = self.meta.service_model.service_name
        label = f"{service}:{operation_name}"
        if not operation_name.startswith(READ_PREFIXES):
            medidas.write(label, api_params)
        started = time.perf_counter()
        try:
            result = original(self, operation_name, api_params)
        finally:
            medidas.call(label, (time.perf_counter() - started) * 1000)
        medidas.respostas.append(result)
        return result

    BaseClient._make_api_call = timed  # type: ignore[method-assign]

    original_request = Emulador._call

    def timed_request(backend: Any, s: Any, path: str, payload: dict[str, Any] | None = None,
                      timeout: float = 10.0) -> Any:
        label = f"emulador:{path}"
        if path != CLOCK_PATH and payload is not None:
            medidas.write(label, payload)
        started = time.perf_counter()
        try:
            status, body = original_request(backend, s, path, payload, timeout)
        finally:
            medidas.call(label, (time.perf_counter() - started) * 1000)
        with medidas.lock:
            medidas.tentativas += 1
            if status >= 500:
                medidas.erros_5xx.append(f"{current_student()} {label}: HTTP {status}")
            elif status == 0:
                medidas.sem_resposta.append(f"{current_student()} {label}")
        return status, body

    Emulador._call = timed_request  # type: ignore[method-assign]

    original_pass_time = Emulador.pass_time

    def timed_pass_time(backend: Any, s: Any, seconds: float) -> None:
        """On a class emulator a student's `aguardar` sleeps while the instructor's clock runs: time the class
        spends waiting, not the emulator working."""
        started = time.perf_counter()
        try:
            original_pass_time(backend, s, seconds)
        finally:
            medidas.waited(time.perf_counter() - started)

    Emulador.pass_time = timed_pass_time  # type: ignore[method-assign]


def watch_responses(client: Any, medidas: Medidas) -> None:
    """Count every HTTP attempt and its 5xx (retries hide them from the caller)."""
    def received(response_dict: Any = None, exception: Any = None, context: Any = None, **kwargs: Any) -> None:
        operation = kwargs.get("event_name", "").split(".", 1)[-1]
        with medidas.lock:
            medidas.tentativas += 1
            status = (response_dict or {}).get("status_code")
            if status is not None and status >= 500:
                medidas.erros_5xx.append(f"{current_student()} {operation}: HTTP {status}")
            elif status is None:
                medidas.sem_resposta.append(f"{current_student()} {operation}: {exception!r}")

    client.meta.events.register("response-received", received)


class QuietThreads(io.TextIOBase):
    """stdout for the main thread only: the notebooks' helpers print, 30 students at once would be noise."""

    def __init__(self, real: Any):
        self.real = real

    def write(self, text: str) -> int:
        if getattr(_local, "aluno", None):
            return len(text)
        return self.real.write(text)

    def flush(self) -> None:
        self.real.flush()


# --- ownership of identifiers -----------------------------------------------------------------------------------


def _name_owner(text: str) -> str | None:
    from ecslab import naming

    for part in re.split(r"[/:,]", text):
        found = naming.owner(part)
        if found:
            return found[0]
    return None


def identifiers(params: Any, shared: set[str]) -> Iterator[tuple[str, str]]:
    """(identifier, kind) for every resource identifier in a call's parameters: kind 'nome', 'tag' or 'id'."""
    from ecslab import naming

    if isinstance(params, dict):
        key = params.get("Key", params.get("key"))
        if key == naming.TAG_ALUNO:
            yield str(params.get("Value", params.get("value", ""))), "tag"
        if isinstance(params.get("aluno"), str):  # the emulator's own endpoints name the student (lab 06's decision)
            yield params["aluno"], "tag"
        for value in params.values():
            yield from identifiers(value, shared)
    elif isinstance(params, list | tuple):
        for value in params:
            yield from identifiers(value, shared)
    elif isinstance(params, str):
        if params.startswith("arn:aws:iam::aws:") or params in shared:
            return
        if params.startswith("arn:") or _name_owner(params):
            yield params, "nome"
            return
        for part in params.split(","):
            if EC2_ID_RE.match(part.strip()) and part.strip() not in shared:
                yield part.strip(), "id"


def audit(medidas: Medidas, shared: set[str], alunos: list[str]) -> tuple[list[str], list[str]]:
    """(cross-student writes, unattributed writes), each as a readable line."""
    medidas.harvest_kept()
    cross, unattributed = [], []
    for ident, owners in medidas.donos.items():
        if len(owners) > 1 and ident not in shared:
            cross.append(f"{ident} aparece com donos {sorted(owners)}")
    for w in medidas.escritas:
        if w.aluno == "professor":
            continue
        found = list(identifiers(w.parametros, shared))
        owners: set[str] = set()
        unknown: list[str] = []
        for ident, kind in found:
            if kind == "tag":
                owners.add(ident)
            elif kind == "nome":
                who = _name_owner(ident)
                if who:
                    owners.add(who)
                else:
                    unknown.append(ident)
            else:
                who_set = medidas.donos.get(ident)
                if who_set:
                    owners |= who_set
                else:
                    unknown.append(ident)
        others = sorted(o for o in owners if o != w.aluno)
        if others:
            cross.append(f"{w.aluno} {w.operacao} tocou recursos de {', '.join(others)}")
        elif not owners or unknown:
            unattributed.append(f"{w.aluno} {w.operacao}: " + (", ".join(unknown) or "nenhum identificador"))
    return cross, unattributed


# --- the class ---------------------------------------------------------------------------------------------------


@dataclass
class Aluno:
    nome: str
    sessao: Any
    etapas: dict[str, float] = field(default_factory=dict)
    verificacoes: dict[str, bool] = field(default_factory=dict)
    falhas_verificacao: list[str] = field(default_factory=list)
    impressao: Any = None
    mudancas: list[str] = field(default_factory=list)
    erro: str | None = None
    terminou: bool = False
    leitura: random.Random = field(default_factory=random.Random)  # its reading pauses (--pausa)


class Turma:
    def __init__(self, alunos: list[Aluno], deadline: float, pausa: float = 0.0):
        self.alunos = alunos
        self.deadline = deadline
        self.pausa = pausa  # mean seconds a student reads before each lab (0: none, the worst case)
        self.abortar = threading.Event()
        self.quadro_pronto = threading.Event()  # the instructor's board is read before anyone cleans up
        self.lock = threading.Condition()
        self.construidos = 0
        self.primeira_metade_limpa = 0
        self.metade = (len(alunos) + 1) // 2

    def check_time(self) -> None:
        if self.abortar.is_set() or time.monotonic() > self.deadline:
            self.abortar.set()
            raise Abortado()

    def read_for(self, seconds: float) -> None:
        """A student reading the lab before running it: idle, but stopped by --tempo-max."""
        if self.abortar.wait(timeout=min(seconds, max(0.0, self.deadline - time.monotonic()))):
            raise Abortado()
        self.check_time()

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self.lock:
            while not predicate():
                self.check_time()
                self.lock.wait(timeout=0.5)

    def arrive(self, counter: str) -> None:
        with self.lock:
            setattr(self, counter, getattr(self, counter) + 1)
            self.lock.notify_all()


@contextmanager
def etapa(aluno: Aluno, turma: Turma, nome: str) -> Iterator[None]:
    if turma.pausa:
        turma.read_for(aluno.leitura.expovariate(1 / turma.pausa))
    turma.check_time()
    started = time.monotonic()
    yield
    aluno.etapas[nome] = time.monotonic() - started


def _service_steady(s: Any, cluster: str, service: str, predicate: Callable[[dict[str, Any]], bool]) -> bool:
    svc = s.client("ecs").describe_services(cluster=cluster, services=[service])["services"][0]
    return predicate(svc)


def lab00(s: Any) -> None:
    from ecslab import naming
    from ecslab.cleanup import limpar

    s.client("sts").get_caller_identity()
    s.client("ecs").list_clusters()
    s.client("ssm").get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")
    ec2 = s.client("ec2")
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    group_name = naming.name(s.aluno, "00", "exercicio")
    if default:
        found = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [group_name]},
                                                      {"Name": "vpc-id", "Values": [default[0]["VpcId"]]}])
        if not found["SecurityGroups"]:
            ec2.create_security_group(
                GroupName=group_name, Description="Exercicio do laboratorio 00", VpcId=default[0]["VpcId"],
                TagSpecifications=[{"ResourceType": "security-group",
                                    "Tags": naming.tags_kv(s.aluno, "00", group_name)}])
    limpar("00", sessao=s)


def lab02_extra(s: Any, built: dict[str, Any], turma: Turma) -> None:
    """The notebook's unplaceable service: 8 GiB on t3.small instances, an 'unable to place' event, removed."""
    from ecslab import naming
    from ecslab.provision.cluster import registrar_definicao_tarefa
    from ecslab.provision.labs import definicao_bridge

    ecs = s.client("ecs")
    cluster = built["cluster"]
    spec = definicao_bridge(s.aluno, "02", built["perfis"].execucao_arn, built["grupo_logs"], s.regiao)
    spec["family"] = naming.name(s.aluno, "02", "grande")
    spec["containerDefinitions"][0]["memory"] = 8192
    arn = registrar_definicao_tarefa("02", spec, sessao=s)
    name = naming.name(s.aluno, "02", "grande")
    if not [x for x in ecs.describe_services(cluster=cluster, services=[name])["services"] if x["status"] == "ACTIVE"]:
        ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=arn, desiredCount=1, launchType="EC2",
                           tags=naming.tags_ecs(s.aluno, "02", name))
    limit = time.monotonic() + 20
    while time.monotonic() < limit:
        turma.check_time()
        events = ecs.describe_services(cluster=cluster, services=[name])["services"][0].get("events", [])
        if any("unable to place" in ev["message"] for ev in events):
            break
        time.sleep(0.5)
    else:
        raise RuntimeError("o serviço grande não registrou o evento 'unable to place'")
    ecs.update_service(cluster=cluster, service=name, desiredCount=0)
    ecs.delete_service(cluster=cluster, service=name, force=True)


def lab03_extra(s: Any, built: dict[str, Any]) -> None:
    """The notebook stops one task on purpose and watches the service replace it."""
    from ecslab.wait import esperar_servico

    ecs = s.client("ecs")
    cluster, service = built["cluster"], built["servico"]
    esperar_servico(cluster, service, sessao=s, tempo=60)
    arns = ecs.list_tasks(cluster=cluster, serviceName=service.rsplit("/", 1)[-1])["taskArns"]
    if arns:
        ecs.stop_task(cluster=cluster, task=arns[0], reason="Laboratorio 03: parada de proposito")
    esperar_servico(cluster, service, sessao=s, tempo=60)


def lab04_extra(s: Any, built: dict[str, Any]) -> None:
    """A FARGATE_SPOT task and a Spot instance interrupted (preparar_lab built the notebook's EC2 Spot service)."""
    from ecslab.spot_and_load import simular_interrupcao_spot
    from ecslab.wait import esperar_servico

    ecs = s.client("ecs")
    cluster, web_spot, ec2_service = built["cluster"], built["servico"], built["servico_ec2"]
    esperar_servico(cluster, web_spot, sessao=s, tempo=60)
    esperar_servico(cluster, ec2_service, sessao=s, tempo=60)
    running = ecs.list_tasks(cluster=cluster, serviceName=web_spot.rsplit("/", 1)[-1],
                             desiredStatus="RUNNING")["taskArns"]
    spot_tasks = [t["taskArn"] for t in ecs.describe_tasks(cluster=cluster, tasks=running)["tasks"]
                  if t.get("capacityProviderName") == "FARGATE_SPOT"] if running else []
    if spot_tasks:
        simular_interrupcao_spot(tarefa=spot_tasks[0], sessao=s)
    instances = ecs.list_container_instances(cluster=cluster, status="ACTIVE")["containerInstanceArns"]
    if instances:
        target = ecs.describe_container_instances(cluster=cluster, containerInstances=instances[:1])[
            "containerInstances"][0]
        simular_interrupcao_spot(instancia=target["ec2InstanceId"], sessao=s)
    esperar_servico(cluster, web_spot, sessao=s, tempo=60)
    esperar_servico(cluster, ec2_service, sessao=s, tempo=60)


def lab05_extra(s: Any, built: dict[str, Any], turma: Turma) -> None:
    """The notebook's load: 90% CPU until the service scales out, then 10% until it is back to one task."""
    from ecslab.spot_and_load import simular_carga
    from ecslab.wait import aguardar, esperar_servico

    cluster, service = built["cluster"], built["servico"]
    esperar_servico(cluster, service, sessao=s, tempo=60)
    simular_carga(cluster, service, cpu=90, sessao=s)
    for _ in range(15):
        turma.check_time()
        aguardar(60, sessao=s)
        if _service_steady(s, cluster, service, lambda v: v["desiredCount"] > 1
                           and v["runningCount"] == v["desiredCount"]):
            break
    simular_carga(cluster, service, cpu=10, sessao=s)
    for _ in range(40):
        turma.check_time()
        aguardar(60, sessao=s)
        if _service_steady(s, cluster, service, lambda v: v["desiredCount"] == 1 and v["runningCount"] == 1):
            break
    cloudwatch = s.client("cloudwatch")
    now = time.time()
    cloudwatch.get_metric_statistics(
        Namespace="AWS/ECS", MetricName="CPUUtilization", Period=60, Statistics=["Average"],
        Dimensions=[{"Name": "ClusterName", "Value": cluster.rsplit("/", 1)[-1]},
                    {"Name": "ServiceName", "Value": service.rsplit("/", 1)[-1]}],
        StartTime=now - 3 * 3600, EndTime=now + 3 * 3600)
    s.client("application-autoscaling").describe_scaling_activities(
        ServiceNamespace="ecs", ResourceId=built["destino_escalavel"], ScalableDimension="ecs:service:DesiredCount")


def lab06(s: Any) -> None:
    from ecslab import costs
    from ecslab.decision import opcoes_permitidas, registrar_decisao
    from ecslab.validation import check_fargate_size

    cpu, memory = check_fargate_size(512, 1024)
    workload = {"cpu": cpu, "memoria": memory, "tarefas": 6, "horas_por_mes": 730, "tipo_instancia": "m5.large",
                "tolera_interrupcao": True, "precisa_gpu": False}
    prices = costs.workload_monthly_usd(cpu, memory, 6, "m5.large", 730)
    allowed = {k: v for k, v in prices.items() if k not in opcoes_permitidas(workload)}
    registrar_decisao(workload, prices, min(allowed, key=allowed.get), sessao=s)


def fingerprint(s: Any) -> dict[str, Any]:
    """What the student owns and what nobody else may change (see the module docstring)."""
    from ecslab.inventory import inventario

    inv = inventario(sessao=s)
    items = sorted((it["tipo"], it["id"], it["nome"], it["lab"]) for items in inv.values() for it in items
                   if it["tipo"] not in UNSTABLE_TYPES)
    by_type: dict[str, list[str]] = defaultdict(list)
    for tipo, ident, _, _ in items:
        by_type[tipo].append(ident)
    ec2, ecs = s.client("ec2"), s.client("ecs")
    rules, routes, clusters = {}, {}, {}
    if by_type["grupo-de-seguranca"]:
        for sg in ec2.describe_security_groups(GroupIds=by_type["grupo-de-seguranca"])["SecurityGroups"]:
            rules[sg["GroupId"]] = sorted(repr(sorted(p.items())) for p in sg.get("IpPermissions", []))
    if by_type["tabela-de-rotas"]:
        for rt in ec2.describe_route_tables(RouteTableIds=by_type["tabela-de-rotas"])["RouteTables"]:
            routes[rt["RouteTableId"]] = sorted(
                (r.get("DestinationCidrBlock", ""), r.get("GatewayId", "") or r.get("NatGatewayId", ""))
                for r in rt.get("Routes", []))
    if by_type["cluster"]:
        for c in ecs.describe_clusters(clusters=by_type["cluster"])["clusters"]:
            clusters[c["clusterArn"]] = (sorted(c.get("capacityProviders", [])),
                                         repr(c.get("defaultCapacityProviderStrategy", [])))
    return {"recursos": items, "regras": rules, "rotas": routes, "clusters": clusters}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = []
    old, new = set(before["recursos"]), set(after["recursos"])
    out += [f"sumiu {t} {n or i}" for t, i, n, _ in sorted(old - new)]
    out += [f"apareceu {t} {n or i}" for t, i, n, _ in sorted(new - old)]
    for key, label in (("regras", "regras do grupo"), ("rotas", "rotas da tabela"), ("clusters", "provedores do")):
        for ident in sorted(set(before[key]) | set(after[key])):
            if before[key].get(ident) != after[key].get(ident):
                out.append(f"mudaram as {label} {ident}")
    return out


def run_checks(aluno: Aluno, labs: tuple[str, ...]) -> None:
    from ecslab.checks.framework import executar

    for lab in labs:
        report = executar(lab, sessao=aluno.sessao, espera=CHECK_WAIT_S)
        aluno.verificacoes[lab] = report.ok
        aluno.falhas_verificacao += [f"lab {lab}: {r.nome}: {r.detalhe}" for r in report.resultados if not r.ok]


def student(aluno: Aluno, turma: Turma, index: int) -> None:
    from ecslab.cleanup import limpar
    from ecslab.inventory import inventario
    from ecslab.provision.labs import preparar_lab

    _local.aluno = aluno.nome
    s = aluno.sessao
    built_ok = False
    try:
        with etapa(aluno, turma, "00"):
            lab00(s)
        with etapa(aluno, turma, "01"):
            preparar_lab("01", sessao=s)
        with etapa(aluno, turma, "02"):
            lab02_extra(s, preparar_lab("02", sessao=s), turma)
        with etapa(aluno, turma, "03"):
            lab03_extra(s, preparar_lab("03", sessao=s))
        with etapa(aluno, turma, "04"):
            lab04_extra(s, preparar_lab("04", sessao=s))
        with etapa(aluno, turma, "05"):
            lab05_extra(s, preparar_lab("05", sessao=s), turma)
        with etapa(aluno, turma, "06"):
            lab06(s)
        with etapa(aluno, turma, "verificações"):
            run_checks(aluno, CHECK_LABS)
        aluno.impressao = fingerprint(s)
        built_ok = True
    except Abortado:
        aluno.erro = "interrompido por --tempo-max"
    except Exception as exc:
        aluno.erro = f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    finally:
        turma.arrive("construidos")
    try:
        turma.wait_for(lambda: turma.construidos >= len(turma.alunos) and turma.quadro_pronto.is_set())
        if index >= turma.metade:
            turma.wait_for(lambda: turma.primeira_metade_limpa >= turma.metade)
        if built_ok:
            aluno.mudancas = diff(aluno.impressao, fingerprint(s))
        with etapa(aluno, turma, "99"):
            limpar(sessao=s)
            left = inventario(sessao=s)
            if left:
                raise RuntimeError(f"inventário não ficou vazio: {left}")
            run_checks(aluno, ("99",))
        aluno.terminou = True
    except Abortado:
        aluno.erro = aluno.erro or "interrompido por --tempo-max"
    except Exception as exc:
        aluno.erro = aluno.erro or f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    finally:
        if index < turma.metade:
            turma.arrive("primeira_metade_limpa")


def class_report(base: Any, alunos: list[str]) -> str:
    """The instructor's board from the turma API, as the instructor sees it once everyone is done."""
    try:
        from ecslab.turma.report import relatorio_turma
    except ImportError as exc:
        return f"(quadro da turma indisponível: {exc})"
    return relatorio_turma(base, alunos=alunos).tabela()


def shared_ids(base: Any) -> set[str]:
    """The default VPC and what comes with it, on every process of the class: shared by design."""
    out: set[str] = set()
    for part in base.per_process():
        ec2 = part.client("ec2")
        for vpc in ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]:
            out.add(vpc["VpcId"])
            filters = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
            out |= {x["SubnetId"] for x in ec2.describe_subnets(Filters=filters)["Subnets"]}
            out |= {x["GroupId"] for x in ec2.describe_security_groups(Filters=filters)["SecurityGroups"]}
            out |= {x["RouteTableId"] for x in ec2.describe_route_tables(Filters=filters)["RouteTables"]}
    return out


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process of this machine (Linux /proc); None where it cannot be read."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Cpu:
    """Where the CPU went during the class: each process of the class emulator (with the calls it answered) and
    this one (every student's boto3)."""
    portas: list[int]
    pids: list[int | None] = field(default_factory=list)
    emulador_inicio: list[float | None] = field(default_factory=list)
    emulador_s: list[float | None] = field(default_factory=list)
    requisicoes: list[int] = field(default_factory=list)
    alunos_inicio: float = 0.0
    alunos_s: float = 0.0

    def _status(self) -> list[dict[str, Any]]:
        from ecslab.backends import emulador

        return [emulador.probe(port).info or {} for port in self.portas]

    def start(self) -> None:
        infos = self._status()
        self.pids = [info.get("pid") for info in infos]
        self.requisicoes = [int(info.get("requisicoes") or 0) for info in infos]
        self.emulador_inicio = [cpu_seconds(pid) for pid in self.pids]
        self.alunos_inicio = time.process_time()

    def stop(self) -> None:
        ends = [cpu_seconds(pid) for pid in self.pids]
        self.emulador_s = [None if a is None or b is None else b - a for a, b in zip(self.emulador_inicio, ends,
                                                                                    strict=True)]
        self.requisicoes = [int(info.get("requisicoes") or 0) - before
                            for info, before in zip(self._status(), self.requisicoes, strict=True)]
        self.alunos_s = time.process_time() - self.alunos_inicio

    @property
    def emulador_total(self) -> float | None:
        return None if None in self.emulador_s or not self.emulador_s else sum(self.emulador_s)  # type: ignore[arg-type]


def snapshot_figures(cpu: Cpu) -> str:
    """What each process of the class emulator keeps on disk once the class has built (persistence.Saver): the
    size of its last snapshot, the time it held the lock to take it, and how many it took."""
    lines = ["Estado gravado de cada processo, com a turma construída:"]
    for port, info in zip(cpu.portas, cpu._status(), strict=True):
        saved = info.get("estado") or {}
        size, seconds = saved.get("bytes") or 0, saved.get("segundos") or 0.0
        lines.append(f"  processo da porta {port}:  {size / 1e6:.1f} MB, {1000 * seconds:.0f} ms com a trava "
                     f"(a última), {saved.get('gravacoes') or 0} gravações")
    return "\n".join(lines)


def print_summary(turma: Turma, medidas: Medidas, wall: float, cross: list[str], unattributed: list[str],
                  board: str, cpu: Cpu | None = None) -> bool:
    alunos = turma.alunos
    lat = medidas.latencias_ms
    labs_all = (*CHECK_LABS, "99")
    green = [a for a in alunos if all(a.verificacoes.get(lab) for lab in labs_all)]
    changes = [f"{a.nome}: {m}" for a in alunos for m in a.mudancas]
    failed = [a for a in alunos if a.erro or not a.terminou]
    p50, p95, p99 = (percentile(lat, q) for q in (0.50, 0.95, 0.99))
    print("\n=== Turma no emulador ===")
    print(f"Alunos:                        {len(alunos)}")
    print("Pausa de leitura:              " + (f"{turma.pausa:.0f} s em média antes de cada laboratório"
                                                    if turma.pausa else "nenhuma (o pior caso)"))
    print(f"Tempo total:                   {wall:.1f} s (meta ≤ {TARGET_WALL_S:.0f} s para 30 alunos)")
    waits = list(medidas.espera_relogio.values())
    if waits:
        print(f"  dos quais esperando o relógio: {sum(waits) / len(alunos):.1f} s por aluno em média, "
              f"{max(waits):.1f} s no máximo (`aguardar` de um aluno espera o relógio da turma correr)")
    print(f"Chamadas de API:               {len(lat)} ({medidas.tentativas} tentativas HTTP)")
    print(f"Latência p50 / p95 / p99:      {p50:.0f} / {p95:.0f} / {p99:.0f} ms (meta p95 ≤ {TARGET_P95_MS:.0f} ms)")
    if cpu is not None and lat:
        total = cpu.emulador_total
        where = "de um núcleo" if len(cpu.portas) == 1 else f"de um núcleo, somando os {len(cpu.portas)} processos"
        emulator = (f"emulador {1000 * total / len(lat):.1f} ms ({100 * total / wall:.0f}% {where}), "
                    if total is not None else "")
        print(f"CPU por chamada:               {emulator}alunos simulados (boto3, todos neste processo) "
              f"{1000 * cpu.alunos_s / len(lat):.1f} ms; {os.cpu_count()} núcleos")
        if len(cpu.portas) > 1:
            for port, seconds, count in zip(cpu.portas, cpu.emulador_s, cpu.requisicoes, strict=True):
                used = f"{seconds:.1f} s de CPU" if seconds is not None else "CPU não medida"
                print(f"  processo da porta {port}:  {count} requisições, {used}")
    print(f"Respostas HTTP 5xx:            {len(medidas.erros_5xx)}"
          + (f" (e {len(medidas.sem_resposta)} sem resposta)" if medidas.sem_resposta else ""))
    print(f"Verificações verdes:           {len(green)}/{len(alunos)} alunos com os {len(labs_all)} laboratórios ✅")
    print(f"Mudanças entre alunos:         {len(changes) + len(cross)} "
          f"(instantâneos: {len(changes)}; auditoria de {len(medidas.escritas)} escritas: {len(cross)})")
    print(f"Escritas sem dono comprovado:  {len(unattributed)}")
    print("\nTempo por etapa (média / máximo entre os alunos, em segundos):")
    for name in (*CHECK_LABS, "verificações", "99"):
        values = [a.etapas[name] for a in alunos if name in a.etapas]
        if values:
            print(f"  {name:<14} {sum(values) / len(values):6.1f} / {max(values):6.1f}")
    slow = sorted(((percentile(v, 0.95), op, len(v)) for op, v in medidas.por_operacao.items()), reverse=True)[:8]
    print("\nOperações com maior p95 (ms, chamadas):")
    for value, op, count in slow:
        print(f"  {op:<52} {value:7.0f}  {count:6d}")
    busy = sorted(((len(v), op) for op, v in medidas.por_operacao.items()), reverse=True)[:8]
    print("\nOperações mais chamadas (chamadas, % do total):")
    for count, op in busy:
        print(f"  {op:<52} {count:7d}  {100 * count / max(1, len(lat)):5.1f}%")
    for title, lines in (("HTTP 5xx", medidas.erros_5xx), ("Mudanças entre alunos", changes + cross),
                         ("Escritas sem dono comprovado", unattributed)):
        if lines:
            print(f"\n{title}:")
            for line in lines[:20]:
                print(f"  - {line}")
    bad_checks = [(a.nome, f) for a in alunos for f in a.falhas_verificacao]
    if bad_checks:
        print("\nVerificações com ❌:")
        for nome, line in bad_checks[:20]:
            print(f"  - {nome}: {line}")
    if failed:
        print("\nAlunos que não terminaram:")
        for a in failed[:10]:
            print(f"  - {a.nome}: {(a.erro or 'não terminou').strip()}")
    print("\nQuadro da turma (ecslab.turma):")
    print(board)
    ok = (len(green) == len(alunos) and not medidas.erros_5xx and not changes and not cross and not unattributed
          and not failed)
    print("\n" + ("✅ turma completa, sem 5xx e sem mudanças entre alunos" if ok else "❌ a turma não passou"))
    if len(alunos) >= 30:
        hit = wall <= TARGET_WALL_S and p95 <= TARGET_P95_MS
        print(("✅" if hit else "❌") + f" metas de 30 alunos (≤ {TARGET_WALL_S:.0f} s, p95 ≤ {TARGET_P95_MS:.0f} ms)")
    return ok


def start_class(processos: int | None) -> int:
    """A class emulator on free consecutive ports of 127.0.0.1, as `ecslab turma iniciar` starts it; its port."""
    from lab_harness import free_port

    from ecslab.turma.emulator import iniciar_turma, validar_processos

    count = validar_processos(processos)
    return int(iniciar_turma(free_port(span=count), processos=count)["porta"])


def main() -> int:
    parser = argparse.ArgumentParser(description="Teste de carga: uma turma inteira em um emulador.")
    parser.add_argument("--alunos", type=int, default=30, help="alunos simulados ao mesmo tempo (padrão 30)")
    parser.add_argument("--tempo-max", type=float, default=900.0,
                        help="segundos até interromper a turma (padrão 900)")
    parser.add_argument("--pausa", type=float, default=0.0,
                        help="segundos, em média, que cada aluno lê antes de cada laboratório (padrão 0: sem "
                             "pausa nenhuma, o pior caso)")
    parser.add_argument("--processos", type=int, default=None,
                        help="processos do emulador da turma (padrão: um por núcleo, como `ecslab turma iniciar`)")
    parser.add_argument("--porta", type=int, default=None,
                        help="usar um emulador da turma já em execução nesta porta (não o inicia nem o para)")
    args = parser.parse_args()
    if not 1 <= args.alunos <= 99:
        parser.error("--alunos vai de 1 a 99")
    if not 0 <= args.pausa <= 600:
        parser.error("--pausa vai de 0 a 600 segundos")
    state = tempfile.TemporaryDirectory(prefix="ecslab-turma-")
    os.environ["ECSLAB_ESTADO"] = state.name
    os.environ.pop("ECSLAB_ESPERA", None)

    from ecslab.backends import emulador
    from ecslab.config import Config
    from ecslab.session import Sessao
    from ecslab.turma.emulator import parar_turma, portas_texto

    medidas = Medidas()
    instrument(medidas)
    started = time.monotonic()
    if args.porta is None:
        port = start_class(args.processos)
    else:
        port = args.porta
        if emulador.probe(port).estado != "nosso":
            parser.error(f"não há emulador do ecslab na porta {port}")
    url = emulador.endpoint(port)
    ports = emulador.class_ports(emulador.conectar(url))
    cpu = Cpu(ports)
    print(f"emulador da turma em {url}: {portas_texto(ports)}, {len(ports)} processo(s) "
          f"({time.monotonic() - started:.1f} s para iniciar)")
    real_stdout = sys.stdout
    sys.stdout = QuietThreads(real_stdout)
    try:
        def session(name: str, class_view: bool = False) -> Any:
            s = Sessao(Config(backend="emulador", aluno=name, endpoint=url),
                       class_view=class_view)
            s.clientes()  # made here, in one thread
            return s

        base = session("professor", class_view=True)
        shared = shared_ids(base)
        names = [f"aluno{i:02d}" for i in range(1, args.alunos + 1)]
        alunos = [Aluno(name, session(name), leitura=random.Random(i)) for i, name in enumerate(names)]
        turma = Turma(alunos, time.monotonic() + args.tempo_max, args.pausa)
        print(f"{len(alunos)} alunos começando os laboratórios 00 a 99 …", flush=True)
        t0 = time.monotonic()
        cpu.start()
        threads = [threading.Thread(target=student, args=(a, turma, i), name=a.nome, daemon=True)
                   for i, a in enumerate(alunos)]
        for thread in threads:
            thread.start()
        with turma.lock:
            while turma.construidos < len(alunos) and not turma.abortar.is_set():
                turma.lock.wait(timeout=1.0)
                if time.monotonic() > turma.deadline:
                    turma.abortar.set()
        built_at = time.monotonic() - t0
        print(f"turma construída em {built_at:.1f} s; quadro do professor e limpeza …", flush=True)
        print(snapshot_figures(cpu), flush=True)
        try:
            board = class_report(base, names) if not turma.abortar.is_set() else "(interrompido)"
        finally:
            with turma.lock:
                turma.quadro_pronto.set()
                turma.lock.notify_all()
        for thread in threads:
            thread.join(timeout=max(1.0, turma.deadline - time.monotonic()))
        if any(t.is_alive() for t in threads):
            turma.abortar.set()
            for thread in threads:
                thread.join(timeout=30)
        wall = time.monotonic() - t0
        cpu.stop()
        cross, unattributed = audit(medidas, shared, names)
        if turma.abortar.is_set():
            print(f"\n⏱️  interrompido: --tempo-max de {args.tempo_max:.0f} s esgotado")
        ok = print_summary(turma, medidas, wall, cross, unattributed, board, cpu)
        return 0 if ok and not turma.abortar.is_set() else 1
    finally:
        sys.stdout = real_stdout
        if args.porta is None:
            parar_turma(port)
        state.cleanup()


if __name__ == "__main__":
    sys.exit(main())
