"""One student's cleanup never touches another's, even when one name is a prefix of the other.

On a class emulator of one process: both students in one simulated world, as on a shared AWS account (on a class
of several processes they could be placed apart, and nothing would be shared to begin with)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from turma_testutil import class_emulator

from ecslab import naming
from ecslab.checks.framework import executar
from ecslab.cleanup import limpar
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab
from ecslab.turma import alunos_vistos, limpar_turma
from ecslab.turma.roster import labs_by_student

ANA, ANABELA = "ana", "anabela"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[object]:
    with class_emulator(tmp_path_factory, processes=1) as turma:
        s = turma.base()
        s.clientes()
        yield s


def _ids(inv: dict) -> set[tuple[str, str]]:
    return {(item["tipo"], item["id"]) for items in inv.values() for item in items}


@pytest.fixture(scope="module")
def pair(base) -> Iterator[None]:
    with ThreadPoolExecutor(max_workers=2) as pool:  # lab 03 builds lab 01's network too
        list(pool.map(lambda aluno: preparar_lab("03", sessao=base.for_student(aluno)), (ANA, ANABELA)))
    yield
    # Both: with pytest-xdist each worker that runs a test of this module builds its own pair on its own class
    # emulator, and the test that cleans ana may have run on the other one.
    for aluno in (ANA, ANABELA):
        limpar(sessao=base.for_student(aluno))


def test_prefix_names_are_different_students(pair, base):
    found = labs_by_student(base)
    assert found[ANA] == {"01", "03"} and found[ANABELA] == {"01", "03"}
    ana_inv, anabela_inv = inventario(sessao=base.for_student(ANA)), inventario(sessao=base.for_student(ANABELA))
    assert not _ids(ana_inv) & _ids(anabela_inv)
    assert all(naming.owns(ANA, i["nome"]) or not naming.owner(i["nome"]) for v in ana_inv.values() for i in v)
    # EC2 tag filters match the whole value: "ana" does not select anabela's VPC.
    vpcs = base.client("ec2").describe_vpcs(Filters=naming.tag_filters(ANA, "01"))["Vpcs"]
    assert [naming.tags_from_kv(v["Tags"])[naming.TAG_ALUNO] for v in vpcs] == [ANA]


def test_cleaning_ana_leaves_anabela_identical(pair, base):
    anabela = base.for_student(ANABELA)
    before = inventario(sessao=anabela)
    assert before
    removed = limpar_turma(base, ANA)
    assert removed[ANA] and not any(ANABELA in label for label in removed[ANA])
    assert inventario(sessao=base.for_student(ANA)) == {}
    assert _ids(inventario(sessao=anabela)) == _ids(before)
    assert executar("03", sessao=anabela, espera=10).ok
    seen = alunos_vistos(base)
    assert ANA not in seen and ANABELA in seen
