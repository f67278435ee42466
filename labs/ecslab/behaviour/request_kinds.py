"""What kind of call a request is: a read (Describe*, List*, Get*) that cannot change the world, a write the
simulation never looks at, a read whose answer the simulation never changes, which ECS cluster a write names, and
whether it came from the emulator's own machine.

All matter for speed: the first two do not make the next call run the simulation's pass (the pass is skipped when
no call has written anything since the last one and no event is due: simulation_pass.reconcile), and the last needs no
pass before it. Anything not recognised counts as a write that may change the world and a read that may see the
simulation, so a mistake on that side costs time, never correctness.
"""

from __future__ import annotations

import io
import ipaddress
import json
from typing import Any
from urllib.parse import parse_qs

from ecslab.endpoints import RESET_PATH

READ_PREFIXES = ("Describe", "List", "Get")

# Writes the simulation never reads at the moment they happen: nothing in it waits on IAM, logs, parameters,
# identities or images, and a task definition or a new, empty piece of network is read only when a later pass
# launches something, so a pass run later sees the same thing. Routes, gateways and security group rules are not
# here: they decide whether a waiting instance registers and whether a target is healthy, which a pass notices.
# (By the signing name in the call's credential scope.)
OUTSIDE_SIMULATION = ("iam", "logs", "ssm", "sts", "ecr")
SET_UP_ONLY = {
    "ec2": {
        "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute",
        "CreateRouteTable", "CreateInternetGateway", "CreateSecurityGroup", "DeleteSecurityGroup",
        "AllocateAddress", "ReleaseAddress", "CreateTags", "DeleteTags",
    },
    "ecs": {"RegisterTaskDefinition", "DeregisterTaskDefinition", "TagResource", "UntagResource"},
}
# Reads whose answer no pass can change. A pass writes ECS tasks, services, clusters and container instances, Auto
# Scaling groups, EC2 instances and task ENIs (so also the free addresses of subnets), target registrations,
# CloudWatch metrics and alarms and Application Auto Scaling activities; never a network's layout, a launch template,
# a task definition or a load balancer's set-up. Such a read, like any read of OUTSIDE_SIMULATION, needs no pass
# before it: a pending change waits for the next call that can see it (and is simulated at the time it was made).
UNSEEN_BY_SIMULATION = {
    "ec2": {
        "DescribeVpcs", "DescribeVpcAttribute", "DescribeRouteTables", "DescribeSecurityGroups",
        "DescribeSecurityGroupRules", "DescribeInternetGateways", "DescribeAvailabilityZones",
        "DescribeRegions", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions", "DescribeImages",
        "DescribeKeyPairs",
    },
    "ecs": {"DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"},
    "elasticloadbalancing": {
        "DescribeLoadBalancers", "DescribeLoadBalancerAttributes", "DescribeListeners", "DescribeRules",
        "DescribeTargetGroups", "DescribeTargetGroupAttributes", "DescribeTags",
    },
}
FORM = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 1 << 20

# Endpoints that wipe or rewire the whole emulator: on a class emulator bound to a LAN address, only the
# instructor's machine may call them (a student could otherwise erase the class).
LOCAL_ONLY = (RESET_PATH, "/moto-api/")


def action(environ: dict[str, Any]) -> str | None:
    """The API action of an AWS call: JSON protocols name it in X-Amz-Target, RPC v2 in the path, the query
    protocol in the query string or the form body (read here and put back for moto)."""
    if "ecslab.action" not in environ:
        environ["ecslab.action"] = _action(environ)
    return environ["ecslab.action"]


def _action(environ: dict[str, Any]) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO") or ""
    if "/operation/" in path:
        return path.rstrip("/").rsplit("/", 1)[-1]
    query = parse_qs(environ.get("QUERY_STRING") or "").get("Action")
    if query:
        return query[0]
    if (environ.get("CONTENT_TYPE") or "").startswith(FORM):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if 0 < length <= MAX_FORM_BYTES:
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
            found = parse_qs(body.decode("utf-8", "replace")).get("Action")
            return found[0] if found else None
    return None


def is_read(environ: dict[str, Any]) -> bool:
    if (environ.get("PATH_INFO") or "").startswith("/ecslab/"):
        return False
    name = action(environ)
    if name is None:  # REST protocols: the method says it
        return environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not _local_only(environ)
    return name.startswith(READ_PREFIXES)


def signing_service(environ: dict[str, Any]) -> str | None:
    """The service a SigV4-signed call is for: Credential=KEY/DATE/REGION/SERVICE/aws4_request."""
    scope = (environ.get("HTTP_AUTHORIZATION") or "").partition("Credential=")[2].split(",", 1)[0].split("/")
    return scope[3] if len(scope) >= 5 else None


def leaves_world_alone(environ: dict[str, Any]) -> bool:
    """A read, or a write the simulation never looks at (see OUTSIDE_SIMULATION): no pass needed for it."""
    if is_read(environ):
        return True
    service = signing_service(environ)
    if service in OUTSIDE_SIMULATION:
        return True
    return service in SET_UP_ONLY and action(environ) in SET_UP_ONLY[service]


def needs_no_pass(environ: dict[str, Any]) -> bool:
    """A read whose answer no pass can change (see UNSEEN_BY_SIMULATION)."""
    if not is_read(environ):
        return False
    service = signing_service(environ)
    return service in OUTSIDE_SIMULATION or action(environ) in UNSEEN_BY_SIMULATION.get(service or "", ())


def ecs_cluster(environ: dict[str, Any]) -> str | None:
    """The cluster an ECS call names (a name, or the last part of its ARN); None for any other call and for an ECS
    call that names none (AWS then means the default cluster, but such a call, CreateCluster say, may concern any)."""
    if signing_service(environ) != "ecs":
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_FORM_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    cluster = payload.get("cluster") if isinstance(payload, dict) else None
    return cluster.rsplit("/", 1)[-1] if isinstance(cluster, str) and cluster else None


def from_this_machine(environ: dict[str, Any]) -> bool:
    address = (environ.get("REMOTE_ADDR") or "").removeprefix("::ffff:")
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _local_only(environ: dict[str, Any]) -> bool:
    path = environ.get("PATH_INFO") or ""
    return any(path == prefix or (prefix.endswith("/") and path.startswith(prefix)) for prefix in LOCAL_ONLY)


def refused_from_lan(environ: dict[str, Any]) -> bool:
    """A call that resets or rewires the emulator, from another machine: refused. Reading moto's state
    (GET /moto-api/data.json) is allowed."""
    if from_this_machine(environ) or not _local_only(environ):
        return False
    return not (environ.get("PATH_INFO", "").startswith("/moto-api/") and environ.get("REQUEST_METHOD") == "GET")
