"""The aws and localstack backends refuse clearly, without network (STS stubbed, LocalStack faked)."""

from __future__ import annotations

import os

import boto3
import pytest
from botocore.stub import Stubber
from ecslab_testutil import fake_localstack, free_port, offline_aws_session

from ecslab import costs
from ecslab.config import Config
from ecslab.errors import ErroLab
from ecslab.provision.labs import preparar_lab
from ecslab.provision.network import criar_rede
from ecslab.session import Sessao

ACCOUNT = "111122223333"


def _aws_session(monkeypatch) -> tuple[Sessao, Stubber]:
    s = offline_aws_session(monkeypatch)
    sts = boto3.client("sts", region_name="us-east-1")
    stub = Stubber(sts)
    stub.add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ana",
                                              "UserId": "AIDAEXEMPLO"})
    stub.activate()
    s.set_client("sts", sts)
    # Any other AWS call would be a bug: these stubs have no responses, so a call raises.
    for service in ("ec2", "ecs", "iam", "elbv2", "autoscaling", "ssm", "logs", "ecr"):
        client = boto3.client(service, region_name="us-east-1")
        Stubber(client).activate()
        s.set_client(service, client)
    return s, stub


@pytest.mark.parametrize("value", [None, "", "999988887777"])
def test_aws_refuses_without_matching_confirmation(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("ECSLAB_AWS_CONFIRMAR", raising=False)
    else:
        monkeypatch.setenv("ECSLAB_AWS_CONFIRMAR", value)
    s, stub = _aws_session(monkeypatch)
    with pytest.raises(ErroLab) as err:
        criar_rede(sessao=s)
    text = str(err.value)
    assert "nada foi criado" in text
    assert f"ECSLAB_AWS_CONFIRMAR={ACCOUNT}" in text
    stub.assert_no_pending_responses()


def test_aws_refuses_every_lab_build(monkeypatch):
    monkeypatch.delenv("ECSLAB_AWS_CONFIRMAR", raising=False)
    s, _ = _aws_session(monkeypatch)
    with pytest.raises(ErroLab, match="nada foi criado"):
        preparar_lab("03", sessao=s)


def test_aws_accepts_the_right_account(monkeypatch):
    monkeypatch.setenv("ECSLAB_AWS_CONFIRMAR", ACCOUNT)
    s, stub = _aws_session(monkeypatch)
    s.ensure_may_create()
    assert s.account_id() == ACCOUNT
    stub.assert_no_pending_responses()


def test_aws_without_credentials_says_so_in_portuguese(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "nao-existe"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "nao-existe"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    s = Sessao(Config(backend="aws", regiao="us-east-1", aluno="ana"))
    with pytest.raises(ErroLab, match="Não encontrei credenciais da AWS"):
        s.ensure_may_create()


def test_cost_estimate_names_the_prices_date(monkeypatch, capsys):
    monkeypatch.setenv("ECSLAB_AWS_CONFIRMAR", ACCOUNT)
    s, _ = _aws_session(monkeypatch)
    text = costs.describe([("gateway NAT", 1, costs.HOURLY_USD["nat"]),
                           ("tarefa Fargate", 2, costs.fargate_hourly(256, 512))])
    assert costs.PRICES_DATE in text and "US$" in text and "Total estimado" in text
    s.announce_costs(text)
    assert costs.PRICES_DATE in capsys.readouterr().out
    assert costs.fargate_hourly(256, 512, spot=True) < costs.fargate_hourly(256, 512)


@pytest.fixture
def localstack_health(monkeypatch):
    with fake_localstack(monkeypatch, {"s3": "running", "ecs": "disabled"}) as health:
        yield health


def test_localstack_without_ecs_explains_token_and_tier(localstack_health, monkeypatch):
    monkeypatch.delenv("LOCALSTACK_AUTH_TOKEN", raising=False)
    with pytest.raises(ErroLab) as err:
        Sessao(Config(backend="localstack", aluno="ana")).open()
    text = str(err.value)
    assert "LOCALSTACK_AUTH_TOKEN não definido" in text
    assert "plano pago" in text and "ECSLAB_BACKEND=emulador" in text


def test_localstack_with_ecs_is_accepted(localstack_health):
    localstack_health.services = {"ecs": "available"}
    s = Sessao(Config(backend="localstack", aluno="ana"))
    assert s.endpoint_url == "http://" + os.environ["LOCALSTACK_HOST"]
    assert s.client("ecs").meta.endpoint_url == s.endpoint_url


def test_localstack_unreachable(monkeypatch):
    monkeypatch.setenv("LOCALSTACK_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with pytest.raises(ErroLab, match="Não encontrei um LocalStack"):
        Sessao(Config(backend="localstack", aluno="ana")).open()


def test_students_of_one_process_share_the_emulators_clients_but_not_aws_ones(make_session, monkeypatch):
    """A client made once serves every session of the process on the same backend (an instructor's report, a class's
    load test); aws sessions read their own credentials and share nothing."""
    ana, bia = make_session("ana"), make_session("bia")
    assert ana.client("ecs") is bia.client("ecs")
    assert ana.aluno == "ana" and bia.aluno == "bia"
    ana.set_client("sts", object())  # a stub replaces one session's client only
    assert bia.client("sts") is not ana.client("sts")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXEMPLO")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "segredo")
    first, second = (Sessao(Config(backend="aws", regiao="us-east-1", aluno=name)) for name in ("ana", "bia"))
    assert first.client("ecs") is not second.client("ecs")
