"""`ecslab simular` on the aws backend does the real thing: an AWS FIS experiment for a Spot interruption, real
HTTP traffic for load. No account here: every AWS client is a botocore Stubber (a call nobody expected raises),
and a local HTTP server on 127.0.0.1 stands in for the load balancer."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.stub import ANY, Stubber
from ecslab_testutil import fake_localstack, free_port, offline_aws_session

from ecslab.backends import aws_events
from ecslab.cli import build_parser
from ecslab.config import Config
from ecslab.errors import ErroLab
from ecslab.session import Sessao
from ecslab.spot_and_load import simular_carga, simular_interrupcao_spot

ACCOUNT = "111122223333"
INSTANCE = "i-0123456789abcdef0"
ROLE = "ana-04-fis"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ana/{ROLE}"  # under the student's IAM path
TEMPLATE = "EXTabc123"
EXPERIMENT = "EXPxyz789"
TAGS = {"ecslab:aluno": "ana", "ecslab:lab": "04", "Name": "ana-04-fis-spot"}
CLUSTER = "ana-03-cluster"
SERVICE = "ana-03-web"
TG = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/ana-03-tg/0123456789abcdef"
LB = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/ana-03-alb/0123456789abcdef"


class Json:
    """Matches a JSON document (a policy) whose parsed value satisfies `check`."""

    def __init__(self, check):
        self.check = check

    def __eq__(self, other):
        return isinstance(other, str) and bool(self.check(json.loads(other)))

    def __ne__(self, other):
        return not self.__eq__(other)


def aws_session(monkeypatch, aluno="ana"):
    """An aws-backend session whose clients are stubbed; returns (session, {service: Stubber})."""
    s = offline_aws_session(monkeypatch, aluno)
    monkeypatch.setenv("ECSLAB_AWS_CONFIRMAR", ACCOUNT)
    stubs = {}
    for service in ("sts", "ec2", "iam", "fis", "ecs", "elbv2"):
        client = boto3.client(service, region_name="us-east-1")
        stubs[service] = Stubber(client)
        stubs[service].activate()
        s.set_client(service, client)
    stubs["sts"].add_response("get_caller_identity", {"Account": ACCOUNT, "UserId": "AIDAEXEMPLO",
                                                      "Arn": f"arn:aws:iam::{ACCOUNT}:user/ana"})
    return s, stubs


@pytest.fixture
def aws(monkeypatch):
    return aws_session(monkeypatch)


def no_more_calls(stubs, *services):
    for service in services or stubs:
        stubs[service].assert_no_pending_responses()


def instance(owner="ana", lifecycle="spot", state="running"):
    found = {"InstanceId": INSTANCE, "State": {"Name": state}, "Tags": [{"Key": "ecslab:aluno", "Value": owner},
                                                                        {"Key": "ecslab:lab", "Value": "04"}]}
    if lifecycle:
        found["InstanceLifecycle"] = lifecycle
    return {"Reservations": [{"Instances": [found]}]}


def role():
    return {"Role": {"Path": "/ana/", "RoleName": ROLE, "RoleId": "AROAEXEMPLOEXEMPLO1", "Arn": ROLE_ARN,
                     "CreateDate": datetime(2026, 1, 1, tzinfo=UTC)}}


def scoped_to_ana(policy):
    send, describe = policy["Statement"]
    return (send["Action"] == "ec2:SendSpotInstanceInterruptions"
            and send["Resource"] == f"arn:aws:ec2:*:{ACCOUNT}:instance/*"
            and send["Condition"] == {"StringEquals": {"aws:ResourceTag/ecslab:aluno": "ana"}}
            and describe["Action"] == "ec2:DescribeInstances")


def expect_spot_experiment(stubs, *, role_exists, statuses):
    stubs["ec2"].add_response("describe_instances", instance(), {"InstanceIds": [INSTANCE]})
    if role_exists:
        stubs["iam"].add_response("get_role", role(), {"RoleName": ROLE})
    else:
        stubs["iam"].add_client_error("get_role", "NoSuchEntity", http_status_code=404,
                                      expected_params={"RoleName": ROLE})
        stubs["iam"].add_response("create_role", role(), {
            "RoleName": ROLE, "Path": "/ana/", "Description": ANY, "Tags": [{"Key": "ecslab:aluno", "Value": "ana"},
                                                           {"Key": "ecslab:lab", "Value": "04"},
                                                           {"Key": "Name", "Value": ROLE}],
            "AssumeRolePolicyDocument": Json(lambda doc: doc["Statement"][0]["Principal"] == {
                "Service": "fis.amazonaws.com"}),
        })
    stubs["iam"].add_response("put_role_policy", {}, {"RoleName": ROLE, "PolicyName": "interrupcoes-spot",
                                                      "PolicyDocument": Json(scoped_to_ana)})
    stubs["fis"].add_response("create_experiment_template", {"experimentTemplate": {"id": TEMPLATE}}, {
        "clientToken": ANY, "description": ANY, "roleArn": ROLE_ARN, "stopConditions": [{"source": "none"}],
        "targets": {"instanciasSpot": {
            "resourceType": "aws:ec2:spot-instance", "selectionMode": "ALL",
            "resourceArns": [f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{INSTANCE}"]}},
        "actions": {"interromper": {
            "actionId": "aws:ec2:send-spot-instance-interruptions", "description": ANY,
            "parameters": {"durationBeforeInterruption": "PT2M"}, "targets": {"SpotInstances": "instanciasSpot"}}},
        "tags": TAGS,
    })
    first, *rest = statuses
    stubs["fis"].add_response("start_experiment", {"experiment": {"id": EXPERIMENT, "state": first}},
                              {"clientToken": ANY, "experimentTemplateId": TEMPLATE, "tags": TAGS})
    for state in rest:
        stubs["fis"].add_response("get_experiment", {"experiment": {"id": EXPERIMENT, "state": state}},
                                  {"id": EXPERIMENT})


def expect_template_deleted(stubs):
    stubs["fis"].add_response("delete_experiment_template", {"experimentTemplate": {"id": TEMPLATE}},
                              {"id": TEMPLATE})


# --- Spot interruptions through AWS FIS ----------------------------------------------------------------------


def test_spot_interruption_creates_the_role_runs_the_experiment_and_deletes_the_template(aws, capsys):
    s, stubs = aws
    expect_spot_experiment(stubs, role_exists=False, statuses=[
        {"status": "initiating"}, {"status": "running"}, {"status": "running"}, {"status": "completed"}])
    expect_template_deleted(stubs)
    slept = []
    done = aws_events.interrupt_spot_instances(s, [INSTANCE], poll=3.0, sleep=slept.append)
    assert done == {"instancias": [INSTANCE], "tarefas": [], "experimento": EXPERIMENT}
    assert slept == [aws_events.ROLE_PROPAGATION, 3.0, 3.0, 3.0]  # the new role settles, then three polls
    no_more_calls(stubs)
    out = capsys.readouterr().out
    assert f"experimento {EXPERIMENT}: iniciando" in out and "em execução" in out and "concluído" in out
    assert out.count("em execução") == 1  # progress is printed when the state changes
    assert f"Aviso de dois minutos enviado para a instância {INSTANCE} (AWS FIS" in out
    assert "US$ 0,10 por minuto de ação" in out and "perto de US$ 0,20" in out


def test_the_cli_entry_point_uses_fis_on_aws_with_an_existing_role(aws, capsys):
    s, stubs = aws
    expect_spot_experiment(stubs, role_exists=True, statuses=[{"status": "completed"}])
    expect_template_deleted(stubs)
    done = simular_interrupcao_spot(instancia=INSTANCE, sessao=s)
    assert done["instancias"] == [INSTANCE] and done["experimento"] == EXPERIMENT
    no_more_calls(stubs)


def test_a_failed_experiment_still_deletes_its_template(aws):
    s, stubs = aws
    expect_spot_experiment(stubs, role_exists=True, statuses=[
        {"status": "running"}, {"status": "failed", "reason": "Unable to assume role"}])
    expect_template_deleted(stubs)
    with pytest.raises(ErroLab) as err:
        aws_events.interrupt_spot_instances(s, [INSTANCE], poll=0, sleep=lambda _: None)
    assert f"O experimento {EXPERIMENT} do AWS FIS terminou como falhou: Unable to assume role" in str(err.value)
    assert ROLE in err.value.dica
    no_more_calls(stubs)


def test_an_experiment_that_never_ends_is_stopped_and_its_template_deleted(aws):
    s, stubs = aws
    expect_spot_experiment(stubs, role_exists=True, statuses=[{"status": "running"}] * 3)
    stubs["fis"].add_response("stop_experiment", {"experiment": {"id": EXPERIMENT}}, {"id": EXPERIMENT})
    expect_template_deleted(stubs)
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(ErroLab, match="não terminou em 1 minutos; pedi que ele pare"):
        aws_events.interrupt_spot_instances(s, [INSTANCE], poll=30, timeout=60, sleep=sleep, clock=lambda: now[0])
    no_more_calls(stubs)


@pytest.mark.parametrize("owner,lifecycle,state,words", [
    ("bia", "spot", "running", "não é sua"),
    ("ana", None, "running", "é sob demanda, não Spot"),
    ("ana", "spot", "stopped", "está stopped"),
])
def test_a_foreign_on_demand_or_stopped_instance_is_refused_before_anything_is_created(aws, owner, lifecycle,
                                                                                        state, words):
    s, stubs = aws
    stubs["ec2"].add_response("describe_instances", instance(owner, lifecycle, state), {"InstanceIds": [INSTANCE]})
    with pytest.raises(ErroLab) as err:
        simular_interrupcao_spot(instancia=INSTANCE, sessao=s)
    assert words in str(err.value) and "Nada foi feito" in str(err.value)
    no_more_calls(stubs)  # the IAM and FIS stubs had nothing queued: any call there would have raised instead


def test_an_unknown_instance_is_refused(aws):
    s, stubs = aws
    stubs["ec2"].add_client_error("describe_instances", "InvalidInstanceID.NotFound",
                                  expected_params={"InstanceIds": [INSTANCE]})
    with pytest.raises(ErroLab, match=f"Instância não encontrada: {INSTANCE}"):
        simular_interrupcao_spot(instancia=INSTANCE, sessao=s)
    with pytest.raises(ErroLab, match="Id de instância inválido: web-1"):
        simular_interrupcao_spot(instancia="web-1", sessao=s)


def test_without_the_confirmation_nothing_is_asked_of_ec2(aws, monkeypatch):
    s, stubs = aws
    monkeypatch.delenv("ECSLAB_AWS_CONFIRMAR")
    with pytest.raises(ErroLab, match="nada foi criado"):
        simular_interrupcao_spot(instancia=INSTANCE, sessao=s)
    no_more_calls(stubs)


def test_a_fargate_spot_task_on_aws_is_explained_not_pretended(aws):
    s, stubs = aws
    with pytest.raises(ErroLab) as err:
        simular_interrupcao_spot(tarefa=f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/{CLUSTER}/0123", sessao=s)
    assert "o AWS FIS só interrompe instâncias EC2 Spot" in str(err.value) and "Nada foi feito" in str(err.value)
    assert "ecs.stop_task" in err.value.dica and "Your Spot Task was interrupted." in err.value.dica
    no_more_calls(stubs, "ec2", "iam", "fis")


# --- real traffic -----------------------------------------------------------------------------------------------


class Balancer:
    """A local HTTP server standing in for the load balancer: it records when each request arrived."""

    def __init__(self, delay=0.0, status=lambda n: 200):
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with owner.lock:
                    owner.arrivals.append(time.monotonic())
                    number = len(owner.arrivals)
                time.sleep(delay)
                body = b"ok"
                self.send_response(status(number))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def count(self):
        with self.lock:
            return len(self.arrivals)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def balancer():
    made = []

    def make(**options):
        made.append(Balancer(**options))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_traffic_respects_the_rate_and_stops_at_the_time_bound(balancer):
    lb = balancer()
    started = time.monotonic()
    summary = aws_events.send_traffic(lb.url, duration=1.0, rate=20, progress_every=0)
    took = time.monotonic() - started
    assert summary.sent + summary.skipped == 20  # 20 per second for one second, not one more
    assert summary.sent == summary.answered == lb.count >= 15 and summary.failed == 0
    for k, arrived in enumerate(lb.arrivals):  # never ahead of the rate: request k leaves k / 20 s after the start
        assert arrived >= started + k / 20
    assert lb.arrivals[-1] < started + 1.0 + 0.5 and 0.9 <= took < 3.0
    time.sleep(0.3)
    assert lb.count == summary.sent  # nothing after the bound
    assert summary.percentile(50) is not None and summary.percentile(95) >= summary.percentile(50)


def test_slow_answers_and_errors_are_counted_and_in_flight_requests_end_within_the_timeout(balancer):
    slow = balancer(delay=1.0)
    started = time.monotonic()
    summary = aws_events.send_traffic(slow.url, duration=0.5, rate=8, timeout=0.2, progress_every=0)
    assert time.monotonic() - started < 0.5 + 0.2 + 1.0  # the last request gives up after its 0.2 s timeout
    assert summary.sent + summary.skipped == 4 and summary.sent == slow.count >= 3
    assert summary.answered == 0 and summary.errors == {aws_events.NO_ANSWER: summary.sent}

    flaky = balancer(status=lambda n: 503 if n % 2 else 200)
    summary = aws_events.send_traffic(flaky.url, duration=0.5, rate=20, progress_every=0)
    sent, ok = summary.sent, flaky.count // 2
    assert sent + summary.skipped == 10 and sent == flaky.count >= 8
    assert summary.answered == ok and summary.errors == {"HTTP 503": sent - ok}
    text = summary.text()
    assert f"{sent} requisições" in text and f"{ok} respondidas, {sent - ok} com erro" in text
    assert f"HTTP 503: {sent - ok}" in text and "p50" in text and "p95" in text


@pytest.mark.parametrize("duration,rate,words", [(901, 50, "Duração inválida"), (0, 50, "Duração inválida"),
                                                 (10, 501, "Taxa inválida"), (10, 0, "Taxa inválida")])
def test_traffic_bounds_are_hard(balancer, duration, rate, words):
    lb = balancer()
    with pytest.raises(ErroLab, match=words):
        aws_events.send_traffic(lb.url, duration=duration, rate=rate)
    assert lb.count == 0


def service(tags=(("ecslab:aluno", "ana"),), balanced=True):
    found = {"serviceName": SERVICE, "status": "ACTIVE", "tags": [{"key": k, "value": v} for k, v in tags]}
    if balanced:
        found["loadBalancers"] = [{"targetGroupArn": TG, "containerName": "web", "containerPort": 80}]
    return {"services": [found], "failures": []}


def expect_service(stubs, found):
    stubs["ecs"].add_response("describe_services", found,
                              {"cluster": CLUSTER, "services": [SERVICE], "include": ["TAGS"]})


def test_carga_on_aws_finds_the_load_balancer_and_sends_real_traffic(aws, balancer, capsys):
    s, stubs = aws
    lb = balancer()
    expect_service(stubs, service())
    stubs["elbv2"].add_response("describe_target_groups", {"TargetGroups": [{"TargetGroupArn": TG,
                                                                             "LoadBalancerArns": [LB]}]},
                                {"TargetGroupArns": [TG]})
    stubs["elbv2"].add_response("describe_load_balancers", {"LoadBalancers": [{
        "LoadBalancerArn": LB, "LoadBalancerName": "ana-03-alb", "DNSName": "127.0.0.1",
        "Scheme": "internet-facing", "Type": "application"}]}, {"LoadBalancerArns": [LB]})
    stubs["elbv2"].add_response("describe_listeners", {"Listeners": [
        {"ListenerArn": f"{LB}/443", "Protocol": "HTTPS", "Port": 443},
        {"ListenerArn": f"{LB}/http", "Protocol": "HTTP", "Port": lb.port},
    ]}, {"LoadBalancerArn": LB})
    assert simular_carga(CLUSTER, SERVICE, cpu=90, duracao=1, taxa=10, sessao=s) is True
    assert 8 <= lb.count <= 10
    no_more_calls(stubs)
    out = capsys.readouterr().out
    assert "--cpu (cpu=...) é ignorado na AWS" in out
    assert f"Tráfego real para {lb.url} por 1 s, até 10 requisições por segundo" in out
    assert f"{lb.count} requisições" in out and f"{lb.count} respondidas, 0 com erro" in out and "p95" in out
    assert "CPUUtilization" in out and "--cpu só vale no emulador" in out


@pytest.mark.parametrize("aluno,found,words", [
    ("ana", service(tags=(("ecslab:aluno", "bia"),)), "não é seu"),
    ("bia", service(tags=()), "não é seu"),  # untagged: the name prefix (ana-03-) decides
    ("ana", service(balanced=False), "não está atrás de um balanceador de carga"),
])
def test_carga_on_aws_refuses_a_service_that_is_not_yours_or_has_no_load_balancer(monkeypatch, balancer, aluno,
                                                                                    found, words):
    s, stubs = aws_session(monkeypatch, aluno)
    lb = balancer()
    expect_service(stubs, found)
    with pytest.raises(ErroLab, match=words):
        simular_carga(CLUSTER, SERVICE, duracao=1, taxa=10, sessao=s)
    assert lb.count == 0
    no_more_calls(stubs)


def test_carga_on_aws_checks_its_bounds_before_any_call(aws):
    s, stubs = aws
    with pytest.raises(ErroLab, match="Taxa inválida"):
        simular_carga(CLUSTER, SERVICE, duracao=60, taxa=1000, sessao=s)
    with pytest.raises(ErroLab, match="Duração inválida para tráfego real"):
        simular_carga(CLUSTER, SERVICE, duracao=3600, sessao=s)
    no_more_calls(stubs, "ecs", "elbv2")


def test_the_cli_takes_taxa_and_leaves_cpu_to_the_emulator(capsys):
    args = build_parser().parse_args(["simular", "carga", "--cluster", "c", "--servico", "s", "--duracao", "60",
                                      "--taxa", "20"])
    assert (args.cpu, args.duracao, args.taxa) == (None, 60.0, 20.0)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["simular", "carga", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--taxa TAXA na AWS: requisições por segundo, no máximo (padrão 50, limite 500)" in text
    assert "tráfego real na AWS" not in text and "envia requisições HTTP GET de verdade" in text


def test_localstack_has_neither_and_says_where_to_go(monkeypatch):
    with fake_localstack(monkeypatch, {"ecs": "available"}):
        s = Sessao(Config(backend="localstack", aluno="ana"))
        with pytest.raises(ErroLab) as spot:
            simular_interrupcao_spot(instancia=INSTANCE, sessao=s)
        with pytest.raises(ErroLab) as load:
            simular_carga(CLUSTER, SERVICE, cpu=90, sessao=s)
    for err in (spot, load):
        assert str(err.value).startswith("A LocalStack não tem")
        assert "ECSLAB_BACKEND=emulador" in err.value.dica and "ECSLAB_BACKEND=aws" in err.value.dica


def test_a_template_left_behind_is_in_the_inventory_and_cleanup_deletes_it(aws, monkeypatch):
    from ecslab import cleanup, inventory

    s, stubs = aws
    created = datetime(2026, 1, 1, tzinfo=UTC)
    stubs["fis"].add_response("list_experiment_templates", {"experimentTemplates": [
        {"id": TEMPLATE, "description": "ecslab", "creationTime": created, "tags": TAGS},
        {"id": "EXTbia", "description": "ecslab", "creationTime": created,
         "tags": {"ecslab:aluno": "bia", "ecslab:lab": "04"}},
        {"id": "EXTalheio", "description": "outro", "creationTime": created},
    ]}, {})
    (found,) = inventory.service_items(s, "fis")
    assert (found["tipo"], found["id"], found["nome"], found["lab"]) == (
        "modelo-de-experimento-fis", TEMPLATE, "ana-04-fis-spot", "04")

    monkeypatch.setattr(cleanup, "inventario", lambda lab=None, *, sessao=None: {"fis": [found]})
    expect_template_deleted(stubs)
    assert cleanup.limpar(sessao=s) == [f"modelo de experimento do AWS FIS {TEMPLATE}"]
    no_more_calls(stubs, "fis")
