"""The resource catalogue and the three walks over it (inventory, class roster, cleanup), read as code; and the
course's naming convention read back. No emulator: the walks themselves are tested against one elsewhere."""

from __future__ import annotations

import ast
from pathlib import Path

from ecslab import naming
from ecslab.resources.catalogue import DELETION_ORDER, KINDS, SERVICES, of_service

PACKAGE = Path(__file__).resolve().parents[2] / "labs" / "ecslab"
WALKS = ("inventory.py", "cleanup.py", "turma/roster.py", "turma/cleanup.py")


def _calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    names = [node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute)]
    strings = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return names + strings


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from module import name` (name '' for `import module`)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            out += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            out += [(alias.name, "") for alias in node.names]
    return out


def test_the_walks_make_no_describe_or_list_call_of_their_own():
    found = {walk: [c for c in _calls(PACKAGE / walk) if c.startswith(("describe_", "list_"))] for walk in WALKS}
    assert not any(found.values()), found


def test_the_roster_uses_no_private_helper_of_another_module():
    private = [f"{module}.{name}" for module, name in _imports(PACKAGE / "turma" / "roster.py") if name.startswith("_")]
    assert not private


def test_checks_take_constants_from_the_course_not_from_provisioning_nor_from_each_other():
    for path in sorted((PACKAGE / "checks").glob("*.py")):
        modules = {module for module, _ in _imports(path)}
        assert not {m for m in modules if m.startswith("ecslab.provision")}, path.name
        assert not {m for m in modules if m.startswith("ecslab.checks.lab")}, path.name


def test_every_kind_is_listed_owned_shown_and_deleted_once_in_a_place_of_its_own():
    assert len({kind.tipo for kind in KINDS}) == len(KINDS)
    assert len({kind.order for kind in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert kind.label and (kind.delete or kind.delete_all), kind.tipo
        assert not (kind.delete and kind.delete_all), kind.tipo
    assert [kind for service in SERVICES for kind in of_service(service)] == list(KINDS)  # grouped by service


def test_the_deletion_order_deletes_what_depends_on_something_first():
    place = {kind.tipo: n for n, kind in enumerate(DELETION_ORDER)}
    before = [("destino-escalavel", "servico"), ("servico", "cluster"), ("tarefa", "cluster"),
              ("grupo-auto-scaling", "instancia"), ("instancia", "cluster"), ("cluster", "provedor-de-capacidade"),
              ("grupo-auto-scaling", "modelo-de-execucao"), ("load-balancer", "grupo-de-destino"),
              ("gateway-nat", "ip-elastico"), ("load-balancer", "grupo-de-seguranca"),
              ("grupo-de-seguranca", "vpc"), ("gateway-internet", "vpc"), ("tabela-de-rotas", "sub-rede"),
              ("sub-rede", "vpc"), ("perfil-de-instancia", "perfil-iam"), ("instancia", "perfil-de-instancia")]
    assert [pair for pair in before if place[pair[0]] > place[pair[1]]] == []


def test_the_roster_skips_only_what_lives_inside_a_cluster():
    assert {kind.tipo for kind in KINDS if kind.inside_another} == {"servico", "tarefa", "instancia-de-conteiner"}


def test_an_owner_is_read_from_the_tags_or_from_the_name():
    tags = naming.tags_kv("ana", "01", "ana-01-vpc")
    assert naming.owner_from_tags(tags) == ("ana", "01")
    assert naming.owner_from_tags(naming.tags_ecs("ana", "02")) == ("ana", "02")
    assert naming.owner_from_tags({naming.TAG_ALUNO: "bia"}) == ("bia", "")  # AWS FIS: a plain dict, no lab
    assert naming.owner_from_tags([{"Key": naming.TAG_ALUNO, "Value": "Ana Maria"}]) is None  # not a student's name
    assert naming.owner_from_tags(None) is None
    assert naming.owner("ana-01-vpc") == ("ana", "01")
    assert naming.owner("anabela-01-vpc") == ("anabela", "01")
    assert naming.owner("1ana-01-vpc") is None  # a student's name never starts with a digit
    assert naming.owner("meu-cluster") is None


def test_an_ec2_object_without_tags_is_owned_by_its_name_tag():
    by_tags = next(kind for kind in KINDS if kind.tipo == "vpc").owner
    assert by_tags({"Tags": naming.tags_kv("ana", "01", "ana-01-vpc")}) == ("ana", "01")
    assert by_tags({"Tags": [{"Key": "Name", "Value": "bia-01-vpc"}]}) == ("bia", "01")
    assert by_tags({"Tags": [{"Key": naming.TAG_ALUNO, "Value": "??"}, {"Key": "Name", "Value": "cid-03-sg"}]}) \
        == ("cid", "03")
    assert by_tags({}) is None
