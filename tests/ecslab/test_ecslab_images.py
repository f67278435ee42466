"""publicar_imagem: a simulated `docker push` on the emulator (ECR PutImage with a manifest), nothing faked on AWS."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from ecslab_testutil import offline_aws_session

from ecslab.errors import ErroLab
from ecslab.provision.cluster import criar_repositorio_ecr
from ecslab.provision.images import MANIFEST_TYPE, manifest, publicar_imagem, repository_name
from ecslab.session import Sessao

ACCOUNT = "123456789012"


def test_repository_name_from_name_or_uri():
    assert repository_name("ana-07-web") == "ana-07-web"
    assert repository_name(f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ana-07-web") == "ana-07-web"
    assert repository_name(f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ana-07-web:v9") == "ana-07-web"


def test_manifest_is_a_docker_schema_2_image_manifest():
    doc = json.loads(manifest("ana-07-web", "v9"))
    assert doc["schemaVersion"] == 2 and doc["mediaType"] == MANIFEST_TYPE
    assert doc["config"]["digest"].startswith("sha256:") and doc["layers"][0]["digest"].startswith("sha256:")
    assert manifest("ana-07-web", "v9") == manifest("ana-07-web", "v9") != manifest("ana-07-web", "v10")


def test_push_is_simulated_on_the_emulator(sessao, capsys):
    uri = criar_repositorio_ecr("07", sessao=sessao)
    ecr = sessao.client("ecr")
    assert publicar_imagem(uri, "v9", sessao=sessao) == f"{uri}:v9"
    out = capsys.readouterr().out
    assert "Push simulado" in out and "docker push" in out
    found = ecr.describe_images(repositoryName=repository_name(uri), imageIds=[{"imageTag": "v9"}])["imageDetails"]
    assert found and found[0]["imageTags"] == ["v9"]
    # Twice: nothing more is put, and the student is told so.
    assert publicar_imagem(repository_name(uri), "v9", sessao=sessao) == f"{uri}:v9"
    assert "já está no repositório" in capsys.readouterr().out
    assert len(ecr.describe_images(repositoryName=repository_name(uri))["imageDetails"]) == 1


def test_student_errors_are_explained(sessao):
    with pytest.raises(ErroLab, match="não existe") as missing:
        publicar_imagem(f"{sessao.aluno}-07-nada", "v1", sessao=sessao)
    assert "criar_repositorio_ecr" in missing.value.dica
    with pytest.raises(ErroLab, match="Tag de imagem inválida"):
        publicar_imagem("qualquer", "v 9", sessao=sessao)


def _aws(monkeypatch) -> tuple[Sessao, Stubber]:
    s = offline_aws_session(monkeypatch)
    ecr = boto3.client("ecr", region_name="us-east-1")
    stub = Stubber(ecr)  # put_image was never added: calling it would fail the test
    stub.activate()
    s.set_client("ecr", ecr)
    return s, stub


def _repository(stub: Stubber) -> str:
    uri = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/ana-07-web"
    stub.add_response("describe_repositories", {"repositories": [
        {"repositoryName": "ana-07-web", "repositoryUri": uri,
         "repositoryArn": f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/ana-07-web"}]},
        {"repositoryNames": ["ana-07-web"]})
    return uri


def test_on_aws_nothing_is_faked(monkeypatch, capsys):
    s, stub = _aws(monkeypatch)
    uri = _repository(stub)
    stub.add_client_error("describe_images", "ImageNotFoundException", "not found",
                          expected_params={"repositoryName": "ana-07-web", "imageIds": [{"imageTag": "v9"}]})
    assert publicar_imagem("ana-07-web", "v9", sessao=s) is None
    out = capsys.readouterr().out
    assert f"docker push {uri}:v9" in out and "docker login" in out and "aws ecr get-login-password" in out
    assert "ainda não existe" in out
    stub.assert_no_pending_responses()


def test_on_aws_a_pushed_tag_is_found(monkeypatch, capsys):
    s, stub = _aws(monkeypatch)
    uri = _repository(stub)
    stub.add_response("describe_images", {"imageDetails": [{"imageTags": ["v9"], "repositoryName": "ana-07-web"}]},
                      {"repositoryName": "ana-07-web", "imageIds": [{"imageTag": "v9"}]})
    assert publicar_imagem(uri, "v9", sessao=s) == f"{uri}:v9"
    assert "está no repositório" in capsys.readouterr().out
    stub.assert_no_pending_responses()
