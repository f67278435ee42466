"""The failure rules on plain data, in-process: no emulator, no moto."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecslab.behaviour.rules import (
    application,
    circuit_breaker,
    enum_values,
    health_check,
    images,
    process,
    route_out,
    security_groups,
    service_quotas,
    subnet_addresses,
    target_health,
)

RULES = Path(__file__).resolve().parents[2] / "labs" / "ecslab" / "behaviour" / "rules"


def test_no_rule_imports_moto():
    for path in RULES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(name.split(".")[0] == "moto" for name in names), path.name


def test_the_plain_core_never_loads_moto():
    """The rules (and the errors they raise) import nothing that imports moto, however indirectly."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import ecslab.behaviour.rules as rules\n"
        "for found in pkgutil.iter_modules(rules.__path__):\n"
        "    importlib.import_module('ecslab.behaviour.rules.' + found.name)\n"
        "import ecslab.behaviour.aws_errors, ecslab.behaviour.patching\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'moto', 'boto3', 'flask'}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(RULES.parents[2])}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def network(default_target: str | None, nat_state: str = "available") -> route_out.Network:
    routes = (route_out.Route("10.0.0.0/16", "local"),)
    private = routes + ((route_out.Route("0.0.0.0/0", default_target),) if default_target else ())
    return route_out.Network(
        route_tables={"rtb-pub": routes + (route_out.Route("0.0.0.0/0", "igw-1"),), "rtb-priv": private},
        table_of_subnet={"subnet-pub": "rtb-pub", "subnet-priv": "rtb-priv"},
        internet_gateways=frozenset({"igw-1"}), nat_gateways={"nat-1": (nat_state, "subnet-pub")},
    )


@pytest.mark.parametrize(("target", "public_ip", "nat_state", "way"), [
    ("igw-1", True, "available", "igw"),
    ("igw-1", False, "available", None),
    ("nat-1", False, "available", "nat"),
    ("nat-1", False, "pending", None),
    (None, True, "available", None),
])
def test_the_route_out_of_a_subnet(target, public_ip, nat_state, way):
    assert route_out.internet(network(target, nat_state), "subnet-priv", public_ip).through == way


def test_a_nat_gateway_in_a_subnet_without_an_internet_route_leads_nowhere():
    net = network("nat-1")
    net = route_out.Network({**net.route_tables, "rtb-pub": (route_out.Route("10.0.0.0/16", "local"),)},
                            net.table_of_subnet, net.internet_gateways, net.nat_gateways)
    assert route_out.internet(net, "subnet-priv", False).through is None


def test_endpoints_reach_their_services_only():
    endpoints = (route_out.Endpoint("ecr.api", "Interface", "available", True),
                 route_out.Endpoint("ecr.dkr", "Interface", "available", False),
                 route_out.Endpoint("s3", "Gateway", "available", False, frozenset({"rtb-priv"})))
    net = network(None)
    net = route_out.Network(net.route_tables, net.table_of_subnet, net.internet_gateways, net.nat_gateways, endpoints)
    assert route_out.unreachable(net, "subnet-priv", False, ["ecr.api", "ecr.dkr", "s3", "logs"]) == \
        ["ecr.dkr", "logs"]  # ecr.dkr without private DNS does not count


def test_https_out_and_ingress_from_a_group():
    anywhere = security_groups.Rule("-1", None, None, ("0.0.0.0/0",))
    web_only = security_groups.Rule("tcp", 80, 80, ("0.0.0.0/0",))
    assert security_groups.https_out([anywhere]) and not security_groups.https_out([web_only])
    from_alb = security_groups.Rule("tcp", 80, 80, groups=("sg-alb",))
    assert security_groups.ingress_allows([from_alb], 80, from_groups=frozenset({"sg-alb"}), from_address="10.0.0.9")
    assert not security_groups.ingress_allows([from_alb], 8080, from_groups=frozenset({"sg-alb"}),
                                              from_address="10.0.0.9")


@pytest.mark.parametrize(("image", "reference", "private"), [
    ("nginx", "docker.io/library/nginx:latest", False),
    ("nginx:1.27", "docker.io/library/nginx:1.27", False),
    ("public.ecr.aws/nginx/nginx:1.27", "public.ecr.aws/nginx/nginx:1.27", False),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest",
     True),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:ab", "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
     "web@sha256:ab", True),
])
def test_image_references(image, reference, private):
    ref = images.parse(image)
    assert (ref.reference, ref.private_ecr) == (reference, private)


def test_ecr_holds_tags_and_digests_and_iam_reads_wildcards_and_denies():
    repo = images.Repository(frozenset({"v1"}), frozenset({"sha256:ab"}))
    assert images.holds(repo, images.parse("1.dkr.ecr.r.amazonaws.com/x:v1".replace("1.", "123456789012.", 1)))
    assert not images.holds(repo, images.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v2"))
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}
    assert images.action_allowed([allow], "ecr:GetAuthorizationToken")
    assert not images.action_allowed([allow, deny], "ecr:BatchGetImage")
    assert not images.action_allowed([], "ecr:BatchGetImage")


@pytest.mark.parametrize(("entry_point", "command", "ends_after", "code"), [
    (None, None, None, 0),
    (None, ["nginx", "-g", "daemon off;"], None, 0),
    (["sh", "-c"], ["sleep 30; exit 0"], 30.0, 0),
    (None, ["sh", "-c", "exit 1"], 0.0, 1),
    (None, ["sleep", "10"], 10.0, 0),
    (None, ["sh", "-c", "sleep infinity"], None, 0),
    (None, ["sh", "-c", "false || exit 3"], 0.0, 3),
    (None, ["sh", "-c", "true && exit 4"], 0.0, 4),
    (None, ["sh", "-c", "sleep 5 && false"], 5.0, 1),
])
def test_the_process_model(entry_point, command, ends_after, code):
    outcome = process.run(process.script_of(entry_point, command))
    assert outcome.ends_after == ends_after
    if ends_after is not None:
        assert outcome.exit_code == code


def test_container_health_checks_use_the_application_and_their_timing():
    good = {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]}
    bad = {"command": ["CMD-SHELL", "curl -f http://localhost/saude || exit 1"], "interval": 10, "retries": 3,
           "startPeriod": 25}
    assert health_check.verdict(good, [80]) == health_check.Verdict(True, 30.0)
    assert health_check.verdict(bad, [80]) == health_check.Verdict(False, 50.0)  # checks at 30, 40, 50 count
    assert not health_check.passes({"command": ["CMD-SHELL", "curl -f http://localhost:8080/"]}, [80])
    assert not health_check.passes({"command": ["CMD", "false"]}, [])
    assert health_check.out_of_bounds({"interval": 4}) == "interval"


def test_target_health_and_the_matcher():
    check = target_health.Check("/saude", 80, 10, 2, 3, "200-299")
    listening = target_health.Target((80,), True)
    assert target_health.state(check, listening, 5) == target_health.INITIAL
    assert target_health.state(check, listening, 30) == target_health.mismatch(404)
    healthy = target_health.Check("/", 80, 10, 2, 3, "200")
    assert target_health.state(healthy, listening, 20) == target_health.HEALTHY
    assert target_health.state(healthy, target_health.Target((80,), False), 60) == target_health.TIMEOUT
    assert application.matcher_accepts("200,302", 302) and not application.matcher_accepts("200-299", 404)


@pytest.mark.parametrize(("desired", "configuration", "threshold"), [
    (1, None, 3), (10, None, 5), (1000, None, 200),
    (10, {"type": "COUNT", "value": 2}, 2),
    (1000, {"type": "UNBOUNDED_PERCENT", "value": 50}, 500),
    (10, {"type": "BOUNDED_PERCENT", "value": 10}, 3),
])
def test_circuit_breaker_threshold(desired, configuration, threshold):
    assert circuit_breaker.threshold(desired, configuration) == threshold


# --- ECS's bounds (service_quotas, subnet_addresses) ---------------------------------------------------------------


def test_desired_count_within_the_tasks_per_service_quota():
    assert service_quotas.desired_count_error(0) is None
    assert service_quotas.desired_count_error(5000) is None
    assert service_quotas.desired_count_error(5001) == "Desired count exceeds limit."
    assert service_quotas.desired_count_error(-1) == "Desired count can not be less than 0."


def test_enum_values_outside_the_shape_are_found_where_they_are():
    shape = {"members": {"networkMode": {"enum": ("bridge", "awsvpc")},
                         "containerDefinitions": {"member": {"members": {"protocol": {"enum": ("tcp", "udp")}}}}}}
    assert enum_values.first_invalid(shape, {"networkMode": "awsvpc", "family": "x"}) is None
    assert enum_values.first_invalid(shape, {"networkMode": "awsvp"}) == ("networkMode", ("bridge", "awsvpc"))
    found = enum_values.first_invalid(shape, {"containerDefinitions": [{"protocol": "tcp"}, {"protocol": "tcpp"}]})
    assert found == ("protocol", ("tcp", "udp"))
    assert enum_values.message(*found) == "protocol should be one of [tcp,udp]"


def test_application_auto_scaling_past_the_quota_is_a_failed_activity():
    assert service_quotas.scaling_failure(5000) is None
    assert service_quotas.scaling_failure(5001) == "Failed to set desired count to 5001. Desired count exceeds limit."


def test_the_scheduler_launches_at_most_a_batch_at_a_time():
    assert service_quotas.launch_batch(3) == 3
    assert service_quotas.launch_batch(5000) == 50
    assert service_quotas.LAUNCH_INTERVAL == 6.0  # 500 tasks a minute


def test_a_subnet_has_all_but_five_addresses_usable():
    assert subnet_addresses.usable_count("10.0.1.0/24") == 251
    assert subnet_addresses.usable_count("10.0.9.0/28") == 11
    assert subnet_addresses.first_free("10.0.9.0/28", set()) == "10.0.9.4"
    assert subnet_addresses.first_free("10.0.9.0/28", {"10.0.9.4", "10.0.9.6"}) == "10.0.9.5"
    assert subnet_addresses.first_free("10.0.9.0/28", {"10.0.9.4"}, above="10.0.9.7") == "10.0.9.8"
    full = {f"10.0.9.{n}" for n in range(4, 15)}
    assert subnet_addresses.first_free("10.0.9.0/28", full) is None
    held_elsewhere = {f"10.0.9.{n}" for n in range(4, 14)} | {"10.0.9.1"}  # one on a reserved address still counts
    assert subnet_addresses.first_free("10.0.9.0/28", held_elsewhere) is None
