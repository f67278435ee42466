"""A real emulator process for the whole session, reset before each test; boto3 clients pointed at it."""

from __future__ import annotations

import urllib.request

import pytest
from behaviour_testutil import FAST_SCALE, Sim, start_emulator, stop_emulator


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    log = tmp_path_factory.mktemp("emulator") / "stderr.log"
    process, url = start_emulator(FAST_SCALE, log)
    yield url
    stop_emulator(process)
    errors = log.read_text()
    assert "Traceback" not in errors, f"the emulator logged a crash:\n{errors}"


@pytest.fixture
def sim(emulator) -> Sim:
    # everything but IAM (its managed-policy catalogue is slow to reload and no test here uses IAM)
    urllib.request.urlopen(urllib.request.Request(f"{emulator}/ecslab/reset", method="POST"), timeout=30).read()
    return Sim(emulator)
