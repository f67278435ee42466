"""The emulator process: identifies itself, starts once, refuses a port held by someone else."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ecslab_testutil import free_port, run_cli

from ecslab.backends import emulador
from ecslab.endpoints import SERVICE_ID, STATUS_PATH
from ecslab.errors import ErroLab


def test_status_endpoint_identifies_the_emulator(emulator_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{emulator_port}/ecslab/status", timeout=5) as resp:
        info = json.loads(resp.read())
    assert info["servico"] == "ecslab-emulador"
    assert info["porta"] == emulator_port
    assert info["versao"]


def test_start_is_idempotent(emulator_port):
    first = emulador.start(emulator_port)
    second = emulador.start(emulator_port)
    assert first["pid"] == second["pid"]


def test_cli_status(emulator_port, cli_env):
    result = run_cli("emulador", "status", env=cli_env)
    assert result.returncode == 0
    assert "Emulador em execução" in result.stdout


class _FakeLocalStack(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"services": {"s3": "running"}, "edition": "community"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_localstack():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _FakeLocalStack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_port_held_by_localstack_is_refused_in_portuguese(fake_localstack):
    with pytest.raises(ErroLab) as err:
        emulador.start(fake_localstack)
    text = str(err.value)
    assert "ocupada por um LocalStack" in text
    assert "--porta" in text and "ECSLAB_BACKEND=localstack" in text
    with pytest.raises(ErroLab, match="não vou pará-lo"):
        emulador.stop(fake_localstack)


def test_cli_reports_port_conflict_without_traceback(fake_localstack, cli_env):
    result = run_cli("--porta", str(fake_localstack), "emulador", "iniciar", env=cli_env)
    assert result.returncode == 2
    assert "não pelo emulador do ecslab" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("scale", ["inf", "0", "-5", "abc"])
def test_an_unusable_time_scale_is_refused_before_the_emulator_starts(state_dir, cli_env, scale):
    port = free_port()
    result = run_cli("emulador", "iniciar", env={**cli_env, "ECSLAB_PORTA": str(port), "ECSLAB_ESCALA_TEMPO": scale})
    assert result.returncode != 0
    assert f"ECSLAB_ESCALA_TEMPO={scale!r} não é uma escala de tempo válida" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert emulador.probe(port).estado == "livre"


def test_stop_and_restart_on_own_port(state_dir, cli_env):
    port = free_port()
    env = {**cli_env, "ECSLAB_PORTA": str(port)}
    assert run_cli("emulador", "status", env=env).returncode == 1
    started = time.monotonic()
    assert run_cli("emulador", "iniciar", env=env).returncode == 0
    assert time.monotonic() - started < 10
    pid = emulador.probe(port).info["pid"]
    restarted = run_cli("emulador", "reiniciar", env=env)
    assert restarted.returncode == 0, restarted.stderr
    assert emulador.probe(port).info["pid"] != pid
    stopped = run_cli("emulador", "parar", env=env)
    assert stopped.returncode == 0 and "parado" in stopped.stdout
    assert emulador.probe(port).estado == "livre"
    again = run_cli("emulador", "parar", env=env)
    assert again.returncode == 0 and "não estava em execução" in again.stdout
    assert "ecslab turma parar" in again.stdout  # a LAN-bound class emulator is stopped by the instructor's command


def test_describe_capacity_providers_without_names_answers(sessao):
    ecs = sessao.client("ecs")
    ecs.create_capacity_provider(name=f"{sessao.aluno}-00-cp-teste", autoScalingGroupProvider={
        "autoScalingGroupArn": "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/y"})
    try:
        names = [cp["name"] for cp in ecs.describe_capacity_providers()["capacityProviders"]]
        assert f"{sessao.aluno}-00-cp-teste" in names
    finally:
        ecs.delete_capacity_provider(capacityProvider=f"{sessao.aluno}-00-cp-teste")


def test_managed_execution_policy_is_loaded(sessao):
    policy = sessao.client("iam").get_policy(
        PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")["Policy"]
    assert policy["PolicyName"] == "AmazonECSTaskExecutionRolePolicy"


def test_task_lifecycle_does_not_decay_on_describe(sessao):
    ecs = sessao.client("ecs")
    ec2 = sessao.client("ec2")
    cluster = ecs.create_cluster(clusterName=f"{sessao.aluno}-00-cluster")["cluster"]["clusterArn"]
    image = sessao.client("ssm").get_parameter(
        Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")["Parameter"]["Value"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.small")["Instances"][0]
    doc = json.dumps({"instanceId": instance["InstanceId"], "region": "us-east-1"})
    ci = ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=doc)["containerInstance"]
    ecs.register_task_definition(family=f"{sessao.aluno}-00-td", containerDefinitions=[
        {"name": "web", "image": "nginx", "memory": 128}])
    task = ecs.run_task(cluster=cluster, taskDefinition=f"{sessao.aluno}-00-td")["tasks"][0]
    try:
        ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=[task["taskArn"]],
                                             WaiterConfig={"Delay": 0.5, "MaxAttempts": 60})
        for _ in range(6):
            described = ecs.describe_tasks(cluster=cluster, tasks=[task["taskArn"]])["tasks"][0]
            assert described["lastStatus"] == "RUNNING"
    finally:
        ecs.stop_task(cluster=cluster, task=task["taskArn"])
        ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=[task["taskArn"]],
                                             WaiterConfig={"Delay": 0.5, "MaxAttempts": 60})
        ecs.deregister_container_instance(cluster=cluster, containerInstance=ci["containerInstanceArn"], force=True)
        ecs.delete_cluster(cluster=cluster)
        ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])
        ecs.deregister_task_definition(taskDefinition=f"{sessao.aluno}-00-td:1")


def test_port_that_cannot_be_bound_gives_portuguese_error(state_dir):
    # Something holds the port and hangs up on every connection: the emulator cannot bind and we say so.
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(8)
        port = holder.getsockname()[1]
        stop = threading.Event()

        def hang_up() -> None:
            holder.settimeout(0.1)
            while not stop.is_set():
                try:
                    conn, _ = holder.accept()
                    conn.close()
                except OSError:
                    pass

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        try:
            with pytest.raises(ErroLab) as err:
                emulador.start(port, timeout=15)
        finally:
            stop.set()
            thread.join(timeout=2)
    text = str(err.value)
    assert "não conseguiu iniciar" in text or "não respondeu" in text
    assert "log" in text


def test_a_probe_that_reaches_itself_finds_the_port_free(monkeypatch):
    """Probing a free port again and again (a start waiting for its emulator) can be given that very port as its
    source port; TCP then connects the socket to itself and the request comes back as the answer."""
    def connected_to_itself(address, timeout=None, source_address=None):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.connect(sock.getsockname())  # TCP simultaneous open with itself
        return sock

    port = free_port()
    monkeypatch.setattr(socket, "create_connection", connected_to_itself)
    assert emulador.probe(port).estado == "livre"


def test_a_port_that_does_not_speak_http_is_someone_else():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def garbage() -> None:
            conn, _ = server.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")

        threading.Thread(target=garbage, daemon=True).start()
        found = emulador.probe(server.getsockname()[1])
    assert found.estado == "outro" and found.descricao == "um serviço desconhecido"


def test_a_connection_stays_open_across_calls_even_after_a_body_nobody_read(emulator_port):
    conn = http.client.HTTPConnection("127.0.0.1", emulator_port, timeout=10)
    try:
        # /ecslab/status is answered without reading the body: the next request on this connection must still be
        # read from its first byte (werkzeug closes every connection for this reason).
        conn.request("POST", STATUS_PATH, body=b"x" * 5000, headers={"Content-Type": "application/octet-stream"})
        first = conn.getresponse()
        assert first.status == 200 and json.loads(first.read())["servico"] == SERVICE_ID
        assert first.getheader("Connection") != "close"
        sock = conn.sock
        conn.request("GET", STATUS_PATH)
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read())["porta"] == emulator_port
        assert conn.sock is sock, "the second call needed a new connection"
    finally:
        conn.close()


def test_a_chunked_body_is_read_whole_before_the_answer_and_the_connection_stays_open(emulator_port):
    def slow_chunks():  # a client still sending its body when a hasty server would already have answered
        yield b"abc"
        time.sleep(0.3)
        yield b"def"

    conn = http.client.HTTPConnection("127.0.0.1", emulator_port, timeout=10)
    try:
        conn.request("POST", STATUS_PATH, body=slow_chunks(), encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked"})
        answer = conn.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["servico"] == SERVICE_ID
        assert answer.getheader("Connection") != "close"
        sock = conn.sock
        conn.request("GET", STATUS_PATH)  # read from its first byte: the chunks and their end marker were consumed
        second = conn.getresponse()
        assert second.status == 200 and json.loads(second.read())["porta"] == emulator_port
        assert conn.sock is sock, "the second call needed a new connection"
    finally:
        conn.close()
