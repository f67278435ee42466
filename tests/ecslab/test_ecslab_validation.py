"""Bad input is answered in Portuguese before any call, and nothing is left half-created."""

from __future__ import annotations

import pytest

from ecslab.config import Config, normalize_student
from ecslab.errors import ErroLab
from ecslab.inventory import inventario
from ecslab.naming import lab_id
from ecslab.provision.cluster import criar_cluster, registrar_definicao_tarefa
from ecslab.provision.services import ensure_service
from ecslab.provision.spot import estrategia_spot
from ecslab.validation import FARGATE_SIZES, check_fargate_size, check_launch_type


def test_every_valid_fargate_pair_is_accepted():
    pairs = [(cpu, mem) for cpu, mems in FARGATE_SIZES.items() for mem in mems]
    assert (256, 512) in pairs and (16384, 122880) in pairs and (8192, 16384) in pairs
    for cpu, mem in pairs:
        assert check_fargate_size(str(cpu), str(mem)) == (cpu, mem)
    assert check_fargate_size("0.25 vCPU", "0.5 GB") == (256, 512)


@pytest.mark.parametrize(("cpu", "memory", "fragment"), [
    (256, 4096, "memory=4096 não combina com cpu=256"),
    (512, 512, "memory=512 não combina com cpu=512"),
    (1024, 1536, "memory=1536 não combina com cpu=1024"),
    (8192, 18432, "memory=18432 não combina com cpu=8192"),
    (3072, 8192, "cpu=3072 não é um tamanho válido"),
    (None, 512, "sem 'cpu'"),
    (256, None, "sem 'memory'"),
])
def test_invalid_fargate_pairs_are_refused_with_the_valid_ones(cpu, memory, fragment):
    with pytest.raises(ErroLab) as err:
        check_fargate_size(cpu, memory)
    text = str(err.value)
    assert fragment in text
    assert "cpu 256: memória 512, 1024, 2048 MiB" in text or "Com cpu=" in text


@pytest.mark.parametrize("value", ["Fargate", "fargate", "ec2"])
def test_launch_type_spelling(value):
    with pytest.raises(ErroLab) as err:
        check_launch_type(value)
    assert f"launchType='{value.upper()}'" in str(err.value)
    assert "maiúsculas" in str(err.value)


def test_unknown_launch_type():
    with pytest.raises(ErroLab, match="Tipo de inicialização desconhecido"):
        check_launch_type("SERVERLESS")


def _fargate_spec(**changes):
    spec = {"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256",
            "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx"}]}
    spec.update(changes)
    return spec


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"memory": "4096"}, "não combina com cpu=256"),
    ({"networkMode": "bridge"}, "só aceita 'awsvpc'"),
    ({"requiresCompatibilities": ["Fargate"]}, "launchType='FARGATE'"),
    ({"containerDefinitions": [{"name": "web", "image": "nginx", "privileged": True}]}, "privileged"),
    ({"containerDefinitions": []}, "não tem containerDefinitions"),
])
def test_bad_task_definition_creates_nothing(sessao, changes, fragment):
    with pytest.raises(ErroLab, match=fragment):
        registrar_definicao_tarefa("03", _fargate_spec(**changes), sessao=sessao)
    assert inventario(sessao=sessao) == {}


def test_task_definition_is_registered_once_per_spec(sessao):
    first = registrar_definicao_tarefa("03", _fargate_spec(), sessao=sessao)
    assert first.endswith(f"{sessao.aluno}-03-web:1")
    assert registrar_definicao_tarefa("03", _fargate_spec(), sessao=sessao) == first
    changed = registrar_definicao_tarefa("03", _fargate_spec(memory="1024"), sessao=sessao)
    assert changed.endswith(":2")


def test_service_with_wrong_launch_type_is_not_created(sessao):
    cluster = criar_cluster("03", sessao=sessao)
    with pytest.raises(ErroLab, match="launchType='FARGATE'"):
        ensure_service(sessao, "03", cluster, "web", {"taskDefinition": "x", "launchType": "Fargate"})
    assert [i["tipo"] for i in inventario(sessao=sessao)["ecs"]] == ["cluster"]


@pytest.mark.parametrize(("kwargs", "fragment"), [
    ({"peso_fargate": 0, "peso_spot": 0}, "Os dois pesos são 0"),
    ({"base": -1}, "Valor inválido para base"),
    ({"peso_spot": 1001}, "Valor inválido para peso_spot"),
])
def test_bad_spot_strategy(kwargs, fragment):
    with pytest.raises(ErroLab, match=fragment):
        estrategia_spot(**kwargs)


def test_unknown_lab_backend_and_port(monkeypatch):
    assert lab_id("3") == "03" and lab_id("fargate") == "03"
    assert lab_id("diagnostico") == lab_id("Diagnóstico") == lab_id(7) == "07"  # a title, with or without accents
    with pytest.raises(ErroLab, match="Laboratório desconhecido"):
        lab_id("08")
    monkeypatch.setenv("ECSLAB_BACKEND", "azure")
    with pytest.raises(ErroLab, match="Backend desconhecido"):
        Config.from_env()
    monkeypatch.setenv("ECSLAB_BACKEND", "emulador")
    monkeypatch.setenv("ECSLAB_PORTA", "abc")
    with pytest.raises(ErroLab, match="Porta inválida"):
        Config.from_env()


@pytest.mark.parametrize(("raw", "expected"), [
    ("Ana.Silva", "anasilva"), ("AWSuser", "xawsuser"), ("ecs", "xecs"), ("1ana", "x1ana"),
    ("joão-da-silva-muito-comprido", "joaodasilvamuito"), ("Conceição", "conceicao"), ("ÇÃO", "cao"),
])
def test_student_names_are_normalized(raw, expected):
    assert normalize_student(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "李雷", "---"])
def test_a_name_with_nothing_left_is_refused_never_emptied(raw):
    with pytest.raises(ErroLab, match="Nome de aluno inválido"):
        normalize_student(raw)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -5, "60", True, 86_401])
def test_a_wait_that_is_not_a_finite_bounded_number_is_refused_before_the_backend(value):
    from ecslab.spot_and_load import simular_carga
    from ecslab.wait import aguardar, avancar_relogio

    # No session is needed: nothing is sent (a session here would start an emulator).
    for call in (lambda: aguardar(value), lambda: avancar_relogio(value),
                 lambda: simular_carga("c", "s", cpu=50, duracao=value)):
        with pytest.raises(ErroLab, match="inválid"):
            call()
