"""Where a container image comes from and whether it can be pulled.

A private Amazon ECR image is `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:<tag> | @sha256:<digest>]`
(no tag means `latest`). It can be pulled when the repository holds that tag or digest, which it does once the
image was pushed (a push ends in ECR's PutImage), and when the task execution role may read it. Any other image
(Docker Hub, public.ecr.aws, another registry) is taken to exist: the emulator has no copy of those registries, so
only the network decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ECR = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repository>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>sha256:[0-9a-f]+))?$"
)
ECR_READ_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


@dataclass(frozen=True)
class ImageRef:
    text: str
    account: str | None = None  # None: not a private ECR image
    region: str | None = None
    repository: str | None = None
    tag: str | None = None
    digest: str | None = None

    @property
    def private_ecr(self) -> bool:
        return self.account is not None

    @property
    def registry(self) -> str:
        if self.private_ecr:
            return f"{self.account}.dkr.ecr.{self.region}.amazonaws.com"
        first, _, rest = self.text.partition("/")
        named = rest and ("." in first or ":" in first or first == "localhost")
        return first if named else "docker.io"

    @property
    def reference(self) -> str:
        """The name containerd resolves (docker.io/library/nginx:latest for plain `nginx`)."""
        if self.private_ecr:
            suffix = f"@{self.digest}" if self.digest else f":{self.tag or 'latest'}"
            return f"{self.registry}/{self.repository}{suffix}"
        name = self.text
        if self.registry == "docker.io" and not name.startswith("docker.io/"):
            name = f"docker.io/{name if '/' in name else 'library/' + name}"
        last = name.rsplit("/", 1)[-1]
        return name if (":" in last or "@" in last) else f"{name}:latest"


def parse(image: str) -> ImageRef:
    text = (image or "").strip()
    match = _ECR.match(text)
    if not match:
        return ImageRef(text)
    tag = match["tag"] if match["tag"] or match["digest"] else "latest"
    return ImageRef(text, match["account"], match["region"], match["repository"], tag, match["digest"])


@dataclass(frozen=True)
class Repository:
    """What the registry holds for one repository: its tags and digests."""

    tags: frozenset[str]
    digests: frozenset[str]


def holds(repository: Repository | None, ref: ImageRef) -> bool:
    if repository is None:
        return False
    if ref.digest:
        return ref.digest in repository.digests
    return (ref.tag or "latest") in repository.tags


def action_allowed(statements: list[dict], action: str) -> bool:
    """Does an identity policy (its statements) allow the action? Explicit Deny wins; wildcards as IAM reads them."""
    allowed = False
    for statement in statements:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if not any(_matches(pattern, action) for pattern in actions):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _matches(pattern: str, action: str) -> bool:
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, action, re.IGNORECASE) is not None
