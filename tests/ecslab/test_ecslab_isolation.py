"""Two students on one backend never see or touch each other's resources."""

from __future__ import annotations

from ecslab.checks.framework import executar
from ecslab.cleanup import limpar
from ecslab.inventory import inventario
from ecslab.provision.labs import preparar_lab


def test_two_students_are_isolated(make_session, aluno):
    ana = make_session(aluno + "a")
    bia = make_session(aluno + "b")
    preparar_lab("03", sessao=ana)
    assert inventario(sessao=bia) == {}
    assert not executar("01", sessao=bia, espera=0).ok

    preparar_lab("03", sessao=bia)
    ana_inv = inventario(sessao=ana)
    bia_inv = inventario(sessao=bia)
    ana_ids = {i["id"] for items in ana_inv.values() for i in items}
    bia_ids = {i["id"] for items in bia_inv.values() for i in items}
    assert ana_ids and bia_ids and not ana_ids & bia_ids
    assert all(i["nome"].find(bia.aluno) == -1 for items in ana_inv.values() for i in items)

    limpar(sessao=bia)
    assert inventario(sessao=bia) == {}
    assert inventario(sessao=ana) == ana_inv
    assert executar("01", sessao=ana, espera=0).ok
    limpar(sessao=ana)
    assert inventario(sessao=ana) == {}


def test_prefix_students_do_not_overlap(make_session, aluno):
    # 'x' and 'x1' share a prefix; names are <aluno>-<lab>-..., so neither sees the other.
    short = make_session(aluno)
    longer = make_session(aluno + "1")
    preparar_lab("01", sessao=longer)
    assert inventario(sessao=short) == {}
    limpar(sessao=short)
    assert inventario(sessao=longer)
    limpar(sessao=longer)
    assert inventario(sessao=longer) == {}
