"""AWS's own ECS tutorials for the AWS CLI, run step by step with the real `aws` command against one emulator.

The emulator is started as the behaviour tests start theirs (tests/behaviour/behaviour_testutil.py) and reset before
each test. Its clock stands still during a tutorial and moves, through the emulator's own endpoint, only where the
tutorial waits: how long each `aws` process takes to start on a busy machine never counts as simulated time (at
the tests' time scale a few wall seconds are many simulated minutes, enough for a load to end and a service to
scale back in).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "behaviour"))

from behaviour_testutil import running_emulator  # noqa: E402

AWS = Path(sys.executable).parent / "aws"  # the CLI installed beside this interpreter (awscli, pyproject.toml)


class Tutorial:
    """A shell in a folder of its own where `aws` is the real AWS CLI aimed at the emulator (dummy credentials,
    us-east-1), so that each step reads as the tutorial prints it, pipes into jq included."""

    def __init__(self, url: str, home: Path):
        self.url = url
        self.home = home
        self.env = {**os.environ, "HOME": str(home), "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_CONFIG_FILE": str(home / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
                    "AWS_PAGER": ""}
        self.env.pop("AWS_PROFILE", None)

    def run(self, command: str) -> str:
        """The step's standard output; the step must succeed."""
        script = f'aws() {{ "{AWS}" --endpoint-url "{self.url}" "$@"; }}\nset -o pipefail\n{command}'
        done = subprocess.run(["bash", "-c", script], cwd=self.home, env=self.env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def json(self, command: str) -> Any:
        return json.loads(self.run(command))

    def write(self, name: str, text: str) -> Path:
        path = self.home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def advance(self, seconds: float) -> None:
        """The time the tutorial waits, on the emulator's simulated clock."""
        self.clock({"avancar": seconds})

    def clock(self, payload: dict[str, Any]) -> None:
        request = urllib.request.Request(f"{self.url}/ecslab/relogio", data=json.dumps(payload).encode(),
                                         method="POST")
        urllib.request.urlopen(request, timeout=60).read()

    def load(self, cluster: str, service: str, cpu: float, seconds: float) -> None:
        """A service's CPU load (what real traffic would cause on AWS)."""
        body = {"cluster": cluster, "servico": service, "cpu": cpu, "duracao": seconds}
        request = urllib.request.Request(f"{self.url}/ecslab/carga", data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(request, timeout=60).read()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("conformance") / "stderr.log"
    with running_emulator(log) as url:
        yield url


@pytest.fixture
def tutorial(emulator, tmp_path) -> Iterator[Tutorial]:
    # everything, IAM included: each tutorial makes its own ecsInstanceRole
    reset = urllib.request.Request(f"{emulator}/ecslab/reset", data=json.dumps({"manter": []}).encode(), method="POST")
    urllib.request.urlopen(reset, timeout=60).read()
    steps = Tutorial(emulator, tmp_path)
    steps.clock({"pausar": True})
    try:
        yield steps
    finally:
        steps.clock({"pausar": False})
