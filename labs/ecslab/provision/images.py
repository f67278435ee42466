"""Publishing an image tag to the lab's ECR repository: a simulated `docker push` on the emulator, real on AWS.

On the emulator nothing runs containers, so an image is only what ECR stores for it: a manifest. A push ends in
ECR's PutImage with the image manifest; `publicar_imagem` makes that one call with a small Docker image manifest
(schema 2), which is all the emulator needs to let a task pull `<repository URI>:<tag>`.

Everywhere else (real AWS, LocalStack) nothing is faked: a registry there holds real layers, which only
`docker push` uploads. The helper prints the commands to run and reads back whether the tag is there.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from ecslab.course import IMAGE as SOURCE_IMAGE  # what the labs run; pushed under the new tag on AWS
from ecslab.errors import ErroLab
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, client_error_code, resolve

MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")  # Docker's tag grammar (ECR accepts it)


def repository_name(repositorio: str) -> str:
    """'ana-07-web' from the name itself or from its URI (123456789012.dkr.ecr.us-east-1.amazonaws.com/ana-07-web)."""
    text = (repositorio or "").strip()
    if ".dkr.ecr." in text and "/" in text:
        text = text.split("/", 1)[1]
    return text.split("@", 1)[0].split(":", 1)[0]


def manifest(repository: str, tag: str) -> str:
    """A minimal Docker image manifest (schema 2), the same bytes for the same repository and tag."""
    def digest(kind: str) -> str:
        return "sha256:" + hashlib.sha256(f"ecslab {kind} {repository}:{tag}".encode()).hexdigest()

    return json.dumps({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "size": 1469, "digest": digest("config")},
        "layers": [{"mediaType": LAYER_TYPE, "size": 3623807, "digest": digest("layer")}],
    }, indent=3)


def _repository(ecr: Any, name: str) -> dict[str, Any]:
    try:
        return ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    except Exception as exc:
        if client_error_code(exc) == "RepositoryNotFoundException":
            raise ErroLab(f"O repositório ECR {name} não existe.",
                          dica="Crie-o antes: `ecslab.criar_repositorio_ecr(LAB)` devolve o URI dele.") from None
        raise


def _has_tag(ecr: Any, name: str, tag: str) -> bool:
    try:
        return bool(ecr.describe_images(repositoryName=name, imageIds=[{"imageTag": tag}])["imageDetails"])
    except Exception as exc:
        if client_error_code(exc) == "ImageNotFoundException":
            return False
        raise


@one_at_a_time
def publicar_imagem(repositorio: str, tag: str, *, sessao: Sessao | None = None) -> str | None:
    """Make `<repositorio>:<tag>` exist in ECR. Returns the image name to use in a task definition, or None when
    the tag is still missing (on AWS: until you run the `docker push` this prints)."""
    s = resolve(sessao)
    name = repository_name(repositorio)
    if not name:
        raise ErroLab("Diga qual repositório: o nome ou o URI.",
                      dica="Por exemplo `ecslab.publicar_imagem(REPOSITORIO, 'v9')`, com o URI que "
                           "`ecslab.criar_repositorio_ecr(LAB)` devolveu.")
    if not _TAG.match(tag or ""):
        raise ErroLab(f"Tag de imagem inválida: {tag!r}.",
                      dica="Use letras, dígitos, '_', '.' e '-' (até 128 caracteres), como 'v9' ou '1.4.2'.")
    ecr = s.client("ecr")
    uri = _repository(ecr, name)["repositoryUri"]
    image = f"{uri}:{tag}"
    if not s.backend.simulates_image_pushes:
        return _push_for_real(ecr, s, name, uri, tag, image)
    if _has_tag(ecr, name, tag):
        print(f"✅ A imagem {image} já está no repositório (nada a enviar).")
        return image
    s.ensure_may_create()
    ecr.put_image(repositoryName=name, imageManifest=manifest(name, tag), imageManifestMediaType=MANIFEST_TYPE,
                  imageTag=tag)
    print(f"📦 Push simulado: {image}\n"
          "   No emulador a imagem é só um manifesto (ecr.put_image); nenhuma camada é enviada e nenhum contêiner "
          "roda.\n   Na AWS real use docker push (o ecslab mostra os comandos quando ECSLAB_BACKEND=aws).")
    return image


def _push_for_real(ecr: Any, s: Sessao, name: str, uri: str, tag: str, image: str) -> str | None:
    if _has_tag(ecr, name, tag):
        print(f"✅ A imagem {image} está no repositório.")
        return image
    registry = uri.split("/", 1)[0]
    print(f"A tag {tag} ainda não existe em {name}. Aqui nada é simulado: envie a imagem com o Docker, no "
          "terminal:\n\n"
          f"  aws ecr get-login-password --region {s.regiao} | docker login --username AWS --password-stdin "
          f"{registry}\n"
          f"  docker pull {SOURCE_IMAGE}\n"
          f"  docker tag {SOURCE_IMAGE} {image}\n"
          f"  docker push {image}\n\n"
          "Depois rode esta célula de novo: ela confere com ecr.describe_images se a tag chegou.")
    return None
