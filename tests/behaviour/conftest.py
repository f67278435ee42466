"""A real emulator process for the whole session, reset before each test; boto3 clients pointed at it.

Every test that uses the emulator runs twice: against the emulator as students run it, and against one started
with ECSLAB_SEM_ACELERACAO=1 (no speed-up: moto's and werkzeug's own code everywhere), marked `sem_aceleracao`.
The second run is split into two xdist groups of its own (by test file), so both workers can share it;
`-m "not sem_aceleracao"` leaves it out and `-m sem_aceleracao` runs only it.
"""

from __future__ import annotations

import json
import urllib.request
import zlib

import pytest
from behaviour_testutil import Sim, running_emulator

ACCELERATED, PLAIN = "acelerado", "sem_aceleracao"
PLAIN_GROUPS = ("behaviour-sem-aceleracao-1", "behaviour-sem-aceleracao-2")


def pytest_configure(config):
    config.addinivalue_line("markers", f"{PLAIN}: behaviour tests against an emulator with every speed-up off")


def pytest_generate_tests(metafunc):
    if "emulator" in metafunc.fixturenames:
        metafunc.parametrize("emulator", [ACCELERATED, pytest.param(PLAIN, marks=pytest.mark.sem_aceleracao)],
                             indirect=True, scope="session")


def pytest_collection_modifyitems(items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("emulator") == PLAIN:
            group = PLAIN_GROUPS[zlib.crc32(item.path.name.encode()) % len(PLAIN_GROUPS)]
            item.add_marker(pytest.mark.xdist_group(group), append=False)  # before the area's group


@pytest.fixture(scope="session")
def emulator(request, tmp_path_factory):
    plain = request.param == PLAIN
    log = tmp_path_factory.mktemp(request.param) / "stderr.log"
    with running_emulator(log, {"ECSLAB_SEM_ACELERACAO": "1"} if plain else None) as url:
        status = json.loads(urllib.request.urlopen(f"{url}/ecslab/status", timeout=10).read())
        assert bool(status["aceleracoes_desligadas"]) == plain, status
        yield url


@pytest.fixture
def sim(emulator) -> Sim:
    # everything but IAM (its managed-policy catalogue is slow to reload and no test here uses IAM)
    urllib.request.urlopen(urllib.request.Request(f"{emulator}/ecslab/reset", method="POST"), timeout=30).read()
    return Sim(emulator)
