"""How many of the ECS operations the pinned botocore knows the emulator answers, probed over HTTP.

Starts its own emulator on a free port and calls every operation of botocore's ECS model once, with no parameters
(parameter validation off): an operation counts as answered unless the answer is InvalidAction (moto lacks it) or
NotImplemented. Any other answer, an error about a missing parameter included, means the emulator handles it.

    .venv/bin/python scripts/ecs_coverage.py [--faltando]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lab_harness import free_port, scratch_emulator_env  # noqa: E402

UNANSWERED = {"InvalidAction", "NotImplemented", "NotImplementedException", "UnknownOperationException"}


def start(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "ecslab.emulator", "--porta", str(port)],
                               env=scratch_emulator_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ecslab/relogio", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("o emulador não respondeu em 60 s")


def probe(url: str) -> tuple[list[str], list[str]]:
    """(answered, unanswered) operation names."""
    ecs = boto3.client("ecs", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing",
                       config=Config(retries={"max_attempts": 1}, parameter_validation=False))
    answered, unanswered = [], []
    for operation in sorted(ecs.meta.service_model.operation_names):
        try:
            ecs._make_api_call(operation, {})
            answered.append(operation)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            (unanswered if code in UNANSWERED else answered).append(operation)
    return answered, unanswered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faltando", action="store_true", help="lista as operações que o emulador não responde")
    args = parser.parse_args()
    port = free_port()
    process = start(port)
    try:
        answered, unanswered = probe(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)
    total = len(answered) + len(unanswered)
    print(f"ECS: o emulador responde {len(answered)} de {total} operações")
    if args.faltando:
        for name in unanswered:
            print(f"  falta: {name}")


if __name__ == "__main__":
    main()
