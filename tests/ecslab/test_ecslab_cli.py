"""The `ecslab` command: exit codes, JSON, Portuguese errors without traceback."""

from __future__ import annotations

import json

from ecslab_testutil import run_cli

from ecslab.checks.framework import executar
from ecslab.config import Config
from ecslab.provision.network import criar_rede
from ecslab.session import Sessao


def test_verificar_json_exit_codes(cli_env, emulator_port, aluno):
    empty = run_cli("verificar", "01", "--json", "--espera", "0", env=cli_env)
    assert empty.returncode == 1
    data = json.loads(empty.stdout)
    assert data["lab"] == "01" and data["aluno"] == aluno and data["ok"] is False
    assert all(not r["ok"] and r["dica"] for r in data["resultados"])

    criar_rede(sessao=Sessao(Config(backend="emulador", porta=emulator_port, aluno=aluno)))
    built = run_cli("verificar", "01", "--espera", "0", env=cli_env)
    assert built.returncode == 0, built.stdout
    assert "✅ VPC criada com as tags do curso" in built.stdout
    assert "11/11 verificações passaram" in built.stdout


def test_inventario_and_limpar(cli_env, emulator_port, aluno):
    criar_rede(sessao=Sessao(Config(backend="emulador", porta=emulator_port, aluno=aluno)))
    inv = run_cli("inventario", "--json", env=cli_env)
    assert inv.returncode == 0
    assert {i["tipo"] for i in json.loads(inv.stdout)["recursos"]["ec2"]} >= {"vpc", "gateway-nat", "sub-rede"}
    cleaned = run_cli("limpar", "--lab", "01", env=cli_env)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "VPC " + aluno + "-01-vpc" in cleaned.stdout
    assert "Nada restante" in cleaned.stdout
    again = run_cli("limpar", env=cli_env)
    assert again.returncode == 0 and "Removidos 0 recurso(s)" in again.stdout


def test_preparar(cli_env, emulator_port, aluno):
    built = run_cli("preparar", "01", env=cli_env)
    assert built.returncode == 0, built.stderr
    s = Sessao(Config(backend="emulador", porta=emulator_port, aluno=aluno))
    assert executar("01", sessao=s, espera=0).ok


def test_errors_are_portuguese_without_traceback(cli_env):
    for args in (("verificar", "08"), ("limpar", "--lab", "xyz")):
        result = run_cli(*args, env=cli_env)
        assert result.returncode == 2, args
        assert result.stderr.startswith("❌ ")
        assert "Traceback" not in result.stderr
    aws = run_cli("inventario", env={**cli_env, "ECSLAB_BACKEND": "nuvem"})
    assert aws.returncode == 2 and "Backend desconhecido" in aws.stderr
