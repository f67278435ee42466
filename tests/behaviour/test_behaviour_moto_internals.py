"""What the behaviour layer and the speed-ups rely on inside moto. A moto upgrade that changes any of it must fail here
first."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import moto
import pytest
from moto.ec2 import utils as ec2_utils
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ecs.models import ContainerInstance, EC2ContainerServiceBackend, Service, Task

from ecslab.behaviour.moto_patches import MOTO_VERSION, PATCHES
from ecslab.behaviour.patching import label
from ecslab.emulator import speedups

LABS = Path(__file__).resolve().parents[2] / "labs"


def test_moto_is_the_pinned_version():
    assert moto.__version__ == MOTO_VERSION == "5.2.5"


SPEEDUP_PATCHES = [patch for speedup in speedups.SPEEDUPS for patch in speedup.patches()]


@pytest.mark.parametrize("patch", PATCHES + tuple(SPEEDUP_PATCHES), ids=label)
def test_each_patched_function_keeps_its_signature(patch):
    original = getattr(patch.owner, patch.name)
    assert str(inspect.signature(inspect.unwrap(original))) == patch.signature


def test_every_speedup_module_is_registered():
    folder = LABS / "ecslab" / "emulator" / "speedups"
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    assert modules == {speedup.module for speedup in speedups.SPEEDUPS}
    assert len({speedup.name for speedup in speedups.SPEEDUPS}) == len(speedups.SPEEDUPS)
    assert all(speedup.stage in ("server", "moto", "app") and speedup.replaces for speedup in speedups.SPEEDUPS)
    replaced = [(patch.owner, patch.name) for patch in PATCHES + tuple(SPEEDUP_PATCHES)]
    assert len(replaced) == len(set(replaced)), "one function patched twice"


def test_sem_aceleracao_switches_every_speedup_off(monkeypatch):
    monkeypatch.setenv(speedups.ENV, "1")
    assert speedups.active() == [] and speedups.install("moto") == [] and speedups.install("server") == []
    sentinel = object()
    assert speedups.dispatcher(sentinel) is sentinel
    from ecslab.emulator.handler import QuietRequestHandler

    assert speedups.request_handler() is QuietRequestHandler
    monkeypatch.setenv(speedups.ENV, "xml_writer, headers")
    assert speedups.switched_off() == {"xml_writer", "headers"}
    assert "serializer" in speedups.active() and "headers" not in speedups.active()
    monkeypatch.delenv(speedups.ENV)
    assert speedups.active() == [speedup.name for speedup in speedups.SPEEDUPS]


def test_task_constructor_still_builds_the_eni_the_way_we_fix():
    source = inspect.getsource(Task.__init__)
    assert "private_ip_address=random_private_ip()" in source
    assert "eni.private_dns_name" in source
    assert "self.containers = [Container(task_definition)]" in source
    assert not hasattr(NetworkInterface, "private_dns_name") or NetworkInterface.private_dns_name is None


def test_model_attributes_the_simulation_writes_are_serialized_by_name():
    """moto serializes attributes by their snake_case name; these are the ones the simulation sets."""
    for cls, names in (
        (Task, ["last_status", "desired_status", "stopped_reason", "started_by", "containers", "attachments"]),
        (Service, ["deployments", "events", "running_count", "pending_count", "desired_count"]),
        (ContainerInstance, ["registered_resources", "remaining_resources", "running_tasks_count", "attributes"]),
    ):
        source = inspect.getsource(cls.__init__) + "".join(
            inspect.getsource(member.fget) for member in vars(cls).values() if isinstance(member, property)
        )
        for name in names:
            assert f"self.{name}" in source or isinstance(vars(cls).get(name), property), f"{cls.__name__}.{name}"


def test_backend_stores_what_the_simulation_reads():
    source = inspect.getsource(EC2ContainerServiceBackend.__init__)
    for name in ("self.tasks", "self.services", "self.container_instances", "self.clusters",
                 "self.capacity_providers"):
        assert name in source
    assert "passes_filter_dict" in inspect.getsource(ec2_utils)
    assert isinstance(ec2_utils.filter_dict_attribute_mapping, dict)


def test_install_is_idempotent_and_patches_every_entry():
    script = (
        "from ecslab.behaviour import install\n"
        "from ecslab.behaviour.moto_patches import PATCHES\n"
        "from ecslab.emulator import speedups\n"
        "install(); install(); speedups.install('moto'); speedups.install('moto'); speedups.install('server')\n"
        "import inspect\n"
        "for p in PATCHES + tuple(p for s in speedups.SPEEDUPS for p in s.patches()):\n"
        "    f = getattr(p.owner, p.name)\n"
        "    assert getattr(f, '_ecslab_patched', False), p.name\n"
        "    assert not getattr(f.__wrapped__, '_ecslab_patched', False), p.name\n"
        "from moto.moto_api import state_manager\n"
        "assert state_manager.get_transition('ecs::task')['progression'] == 'manual'\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(LABS)}
    env.pop(speedups.ENV, None)
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_neighbour_backends_offer_what_the_simulation_uses():
    from moto.autoscaling.models import AutoScalingBackend, FakeAutoScalingGroup, InstanceState
    from moto.ec2.models import EC2Backend
    from moto.ec2.models.instances import Instance
    from moto.elbv2.models import ELBv2Backend, FakeTargetGroup

    signatures = {
        AutoScalingBackend.set_desired_capacity: "(self, group_name: str, desired_capacity: int | None) -> None",
        ELBv2Backend.register_targets: "(self, target_group_arn: str, instances: list[typing.Any]) -> None",
        ELBv2Backend.deregister_targets:
            "(self, target_group_arn: str, instances: list[dict[str, typing.Any]]) -> None",
        EC2Backend.terminate_instances: "(self, instance_ids: list[str]) -> list[tuple[Instance, InstanceState]]",
    }
    for function, expected in signatures.items():
        assert str(inspect.signature(function)).replace("'", "") == expected, function.__qualname__
    assert "self.instance_states" in inspect.getsource(FakeAutoScalingGroup.__init__)
    assert "self.protected_from_scale_in" in inspect.getsource(InstanceState.__init__)
    assert "self.targets" in inspect.getsource(FakeTargetGroup.__init__)
    assert '"deregistration_delay.timeout_seconds"' in inspect.getsource(FakeTargetGroup.__init__)
    for name in ("user_data", "instance_type", "platform", "launch_time"):
        assert f"self.{name}" in inspect.getsource(Instance.__init__), name
    assert isinstance(Instance.state, property)
    for name in ("get_subnet", "get_instance", "describe_subnets"):
        assert callable(getattr(EC2Backend, name)), name


def test_the_account_of_an_access_key_is_found_without_building_other_partitions():
    from moto.iam import models as iam_models

    from ecslab.emulator.speedups.request_routing import account_id_from

    find = account_id_from(inspect.unwrap(iam_models.get_account_id_from))
    account = "210987654321"
    iam = iam_models.iam_backends[account]["global"]
    iam.create_user(region_name="us-east-1", user_name="chaves", path="/", tags=[])
    key = iam.create_access_key(user_name="chaves").access_key_id
    try:
        assert find(key) == account
        assert find("AKIA-nao-existe") == iam_models.DEFAULT_ACCOUNT_ID
        assert set(dict.keys(iam_models.iam_backends[account])) == {"aws"}  # aws-cn, aws-us-gov, … never built
    finally:
        dict.__delitem__(iam_models.iam_backends, account)


def test_timestamps_kept_by_the_serializer_are_the_ones_moto_writes():
    from datetime import UTC, datetime, timedelta, timezone

    from moto.core.serialize import TimestampSerializer

    from ecslab.emulator.speedups.serializer import timestamp_text

    original = inspect.unwrap(TimestampSerializer._convert_timestamp_to_str)
    kept = timestamp_text(original)
    serializer = TimestampSerializer("iso8601")
    instant = datetime(2026, 11, 27, 12, 30, 5, 250000, tzinfo=UTC)
    values = ["2026-11-27T12:30:05.250000+00:00", "2026-11-27T09:30:05-03:00", instant,
              instant.astimezone(timezone(timedelta(hours=-3))), datetime(2026, 11, 27, 12, 30, 5), 1795782605,
              1795782605.25]
    for fmt in ("iso8601", "iso8601_zeroed", "rfc822", "unixtimestamp"):
        for _ in range(2):  # the second time from what was kept
            for value in values:
                assert kept(serializer, value, fmt) == original(serializer, value, fmt), (value, fmt)


@pytest.mark.parametrize("body", [
    "<R><RequestId>antigo</RequestId><x>1</x></R>",
    "<R><x>sem id</x></R>",
    "",
    "<R><RequestId></RequestId></R>",
    "<R><RequestId>a</RequestId><M><RequestId>b</RequestId></M></R>",  # greedy: first open to last close
    "<R><RequestId>sem fim</R>",
    "<R></RequestId><RequestId>fora de ordem</R>",
    "<R>\n<RequestId>a</RequestId>\n<RequestId>b</RequestId>\n</R>",  # several lines: moto's own code
    b"<R><RequestId>bytes</RequestId></R>",
    {"json": "not text"},
])
def test_request_ids_are_written_as_moto_writes_them(monkeypatch, body):
    from moto.core import responses as moto_responses

    from ecslab.emulator.speedups.serializer import request_id_in_xml

    def fixed_id(headers: dict[str, str]) -> str:
        headers["x-amzn-requestid"] = "ID-FIXO"
        return "ID-FIXO"

    monkeypatch.setattr(moto_responses, "gen_amzn_requestid_long", fixed_id)
    original = inspect.unwrap(moto_responses.BaseResponse._enrich_response)
    assert request_id_in_xml(original)({"status": 200}, body) == original({"status": 200}, body)
