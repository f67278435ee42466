"""The places where moto 5.2.5's internals are replaced or wrapped. Each entry names the moto function it changes.

`install()` applies them once; `PATCHES` lists them so a test can fail loudly when a moto upgrade changes one.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import moto.backends as moto_backends
import moto.core.responses as moto_responses
import moto.core.utils as moto_utils
import moto.ec2.models.security_groups as ec2_security_groups
import moto.ec2.utils as ec2_utils
import moto.ecs.models as ecs_models
import moto.iam.models as iam_models
import xmltodict
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeApplicationAutoscalingPolicy
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.autoscaling.models import FakeAutoScalingGroup
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.core.serialize import AttributePicker, ResponseSerializer, TimestampSerializer, XFormedAttributePicker
from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ec2.models.nat_gateways import NatGatewayBackend
from moto.ec2.models.tags import TagBackend
from moto.ec2.models.vpcs import VPCBackend
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import DESCRIBE_TASKS_TAGS, EC2ContainerServiceResponse
from moto.elbv2.models import FakeTargetGroup
from moto.iam.responses import IamResponse

from ecslab.behaviour import (
    alarms,
    api,
    asg,
    autoscaling,
    loadbalancing,
    nat,
    network,
    scheduled,
    service_deployments,
    task_protection,
    xml_body,
)
from ecslab.behaviour.world import world_of

MOTO_VERSION = "5.2.5"
RESPONSE_SIGNATURE = "(self) -> 'ActionResult'"


@dataclass(frozen=True)
class Patch:
    owner: Any
    name: str
    signature: str  # the moto 5.2.5 signature the replacement relies on (str(inspect.signature(...)))
    replacement: Callable[[Callable[..., Any]], Any]
    why: str


def _response(handler: Callable[[Any, dict[str, Any]], dict[str, Any]]) -> Callable[[Callable[..., Any]], Any]:
    """Replace an EC2ContainerServiceResponse action: read every parameter, answer with what `handler` returns."""

    def make(original: Callable[..., Any]) -> Any:
        @functools.wraps(original)
        def action(self: Any) -> ActionResult:
            return ActionResult(handler(self.ecs_backend, self._get_params()))

        return action

    return make


def _wrap(function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    """Wrap a backend method (or a module function); `function(original, self, *args, **kwargs)`."""

    def make(original: Callable[..., Any]) -> Any:
        @functools.wraps(original)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return function(original, self, *args, **kwargs)

        return method

    return make


def _replace(function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    return lambda original: functools.wraps(original)(function)


def _run_task(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    started, failures = api.run_task(backend, params)
    return {"tasks": started, "failures": failures}


def _describe_tasks(original: Callable[..., Any]) -> Any:
    """Keep moto's handling of `include=TAGS` (it edits the response shape); replace the lookup."""

    @functools.wraps(original)
    def action(self: Any) -> ActionResult:
        params = self._get_params()
        result = api.describe_tasks(self.ecs_backend, params)
        if "TAGS" in (params.get("include") or []):
            self._include_in_response(DESCRIBE_TASKS_TAGS)
        else:
            self._exclude_from_response(DESCRIBE_TASKS_TAGS)
        return ActionResult(result)

    return action


def _backend_run_task(self: Any, cluster_str: str, task_definition_str: str, count: int, overrides: Any,
                      started_by: str, tags: Any, launch_type: str | None, networking_configuration: Any = None,
                      group: str | None = None, platform_version: str | None = None,
                      capacity_provider_strategy: Any = None) -> list[Any]:
    params = {
        "cluster": cluster_str, "taskDefinition": task_definition_str, "count": count, "overrides": overrides,
        "startedBy": started_by, "tags": tags, "launchType": launch_type,
        "networkConfiguration": networking_configuration, "group": group, "platformVersion": platform_version,
        "capacityProviderStrategy": capacity_provider_strategy,
    }
    return api.run_task(self, params)[0]


def _backend_list_tasks(self: Any, cluster_str: str | None = None, container_instance: str | None = None,
                        family: str | None = None, started_by: str | None = None, service_name: str | None = None,
                        desiredStatus: str | None = None) -> list[Any]:  # noqa: N803 (moto's name)
    return api.list_tasks(self, {
        "cluster": cluster_str, "containerInstance": container_instance, "family": family,
        "startedBy": started_by, "serviceName": service_name, "desiredStatus": desiredStatus,
    })


def _backend_stop_task(self: Any, cluster_str: str, task_str: str, reason: str) -> Any:
    return api.stop_task(self, cluster_str, task_str, reason)


def _no_ip() -> None:
    """Leave the ENI's address to moto's NetworkInterface, which draws it from the subnet's CIDR."""
    return network.take_prepared_ip()


def _describe_scaling_activities(self: Any) -> str:
    params = json.loads(self.body or "{}")
    return json.dumps(autoscaling.describe_scaling_activities(world_of(self.current_account, self.region), params))


def _describe_alarm_history(self: Any) -> ActionResult:
    return ActionResult(alarms.describe_alarm_history(world_of(self.current_account, self.region),
                                                      self._get_params()))


def _patterns(values: list[str]) -> bool:
    """Whether an EC2 filter's values use moto's wildcards (or escapes): then moto's own matching answers."""
    return any(c in value for value in values for c in "*?[\\")


def _describe_tags(original: Callable[..., Any], self: Any,
                   filters: dict[str, list[str]] | None = None) -> list[dict[str, str]]:
    """Every EC2 object's tags are read through describe_tags(filters={"resource-id": [its id]}), which matches
    a regular expression against every tag of every resource: a class's describe_instances grew with the square
    of its resources. Exact ids are looked up instead (same answer, same order for one id)."""
    ids = (filters or {}).get("resource-id")
    if not ids or set(filters or {}) != {"resource-id"} or _patterns(ids):
        return original(self, filters)
    found = []
    for rid in dict.fromkeys(ids):
        tags = self.tags.get(rid)
        if tags:
            kind = ec2_utils.EC2_PREFIX_TO_RESOURCE.get(ec2_utils.get_prefix(rid), "")
            found += [{"resource_id": rid, "key": key, "value": value, "resource_type": kind}
                      for key, value in tags.items()]
    return found


def _tag_filter(original: Callable[..., Any], obj: Any, filter_name: str, filter_values: list[str]) -> bool:
    """A `tag:K` filter with plain values (no wildcards) is the object's tag K being one of them: read from the
    tag table instead of turning each value into a regular expression for every object of every student."""
    if (not filter_name.startswith("tag:") or type(obj).get_tags is not TaggedEC2Resource.get_tags
            or not getattr(obj, "id", None) or _patterns(filter_values)):
        return original(obj, filter_name, filter_values)
    value = obj.ec2_backend.tags.get(obj.id, {}).get(filter_name[4:])
    return value is not None and value in filter_values


def _nat_gateways_by_tag(original: Callable[..., Any], self: Any, filters: Any,
                         nat_gateway_ids: list[str] | None) -> list[Any]:
    """moto ignores tag filters on NAT gateways and answers the whole class's (AWS filters by tag:K, tag-key,
    tag-value)."""
    found = original(self, filters, nat_gateway_ids)
    by_tag = {name: values for name, values in (filters or {}).items()
              if name in ("tag-key", "tag-value") or name.startswith("tag:")}
    return [nat for nat in found
            if all(ec2_utils.tag_filter_matches(nat, name, values) for name, values in by_tag.items())]


def _module_list(original: Callable[..., Any]) -> Any:
    """moto's dispatcher lists its package folder on disk for every request whose host is not an AWS name."""
    modules = tuple(original())

    @functools.wraps(original)
    def cached() -> tuple[str, ...]:
        return modules

    return cached


def _method_names(original: Callable[..., Any]) -> Any:
    """moto lists a response class's methods with inspect.getmembers for every request (8% of a class's time).
    A class's actions do not change once the layer is installed (ADDITIONS are added before any cached call)."""
    names: dict[type, frozenset[str]] = {}

    @functools.wraps(original)
    def cached(clazz: Any) -> frozenset[str]:
        found = names.get(clazz)
        if found is None:
            found = names[clazz] = frozenset(original(clazz))
        return found

    return cached


# The alias lists of get_possible_keys (by the method's qualified name: XFormedAttributePicker's calls
# AttributePicker's), per picker class and alias rules, object class, member, shape and parent structure:
# (shape, parent, keys), the references keeping the ids from being reused.
_alias_keys: dict[str, dict[tuple[Any, ...], tuple[Any, Any, tuple[str, ...]]]] = {}


def _alias_ident(picker: Any, obj: Any, key: str, shape: Any) -> tuple[tuple[Any, ...], Any]:
    parent = getattr(shape, "parent", None)
    return (type(picker), tuple(picker.alias_providers), type(obj), key, id(shape), id(parent)), parent


def _kept_keys(method: str, picker: Any, obj: Any, key: str, shape: Any) -> tuple[str, ...] | None:
    ident, parent = _alias_ident(picker, obj, key, shape)
    hit = _alias_keys.get(method, {}).get(ident)
    return hit[2] if hit is not None and hit[0] is shape and hit[1] is parent else None


def _possible_keys(original: Callable[..., Any]) -> Any:
    """The serializer asks, for every member of every object it answers, which attribute names may hold the value:
    six alias rules evaluated anew each time. They depend only on the object's class, the member's name and
    shape (and the shape's parent structure), so the list is kept per combination."""

    method = original.__qualname__

    @functools.wraps(original)
    def cached(self: Any, context: Any) -> tuple[str, ...]:
        found = _kept_keys(method, self, context.obj, context.key, context.shape)
        if found is None:
            found = tuple(original(self, context))
            ident, parent = _alias_ident(self, context.obj, context.key, context.shape)
            _alias_keys.setdefault(method, {})[ident] = (context.shape, parent, found)
        return found

    return cached


def _first_value(obj: Any, keys: tuple[str, ...]) -> Any:
    """The value under the first key moto_utils.get_value finds, None if none; its reads of a model's attributes and
    of a plain dict's keys are done here (most members of most objects are missing: every key is tried)."""
    missing = moto_utils.MISSING
    plain = type(obj) is dict
    attributes = not plain and not hasattr(obj, "__getitem__")
    for possible_key in keys:
        if "." in possible_key or not (plain or attributes):
            found = moto_utils.get_value(obj, possible_key, missing)
        elif plain:
            found = obj.get(possible_key, missing)
        else:
            found = getattr(obj, possible_key, missing)
        if found is not missing:
            return found
    return None


_chosen_transforms: dict[tuple[int, str], tuple[Any, Any]] = {}


def _transformed(transformers: dict[str, Any], key_path: str, value: Any) -> Any:
    """moto's picker tries each of a response's key-path transformers (a dozen for IAM) with `endswith` for every
    member of every object answered; which one applies depends only on the path, so it is kept."""
    hit = _chosen_transforms.get((id(transformers), key_path))
    if hit is None or hit[0] is not transformers:  # the reference keeps the id from being reused
        transform = next((t for path, t in transformers.items() if key_path.endswith(path)), None)
        hit = _chosen_transforms[(id(transformers), key_path)] = (transformers, transform)
    return value if hit[1] is None else hit[1](value)


def _pick_value(original: Callable[..., Any]) -> Any:
    """moto's value picker, with the alias list and the transformer of the path kept (see _transformed)."""

    @functools.wraps(original)
    def pick(self: Any, context: Any) -> Any:
        value = _first_value(context.obj, tuple(self.get_possible_keys(context)))
        if self.response_transformers:
            value = _transformed(self.response_transformers, f"{context.key_path}.{context.key}", value)
        return value

    return pick


def _member_value(original: Callable[..., Any]) -> Any:
    """For every member of every object it answers, moto's serializer builds a context object with the joined path
    of the answer so far and calls the picker, which asks for the alias list. With moto's own pickers (every
    response uses one) the value is read here from the kept alias list, and the path is joined only for a response
    with transformers: what the picker answers, a third of the cost."""

    @functools.wraps(original)
    def get_value(self: Any, value: Any, key: str, shape: Any) -> Any:
        picker = self._value_picker
        if type(picker) not in (AttributePicker, XFormedAttributePicker):
            return original(self, value, key, shape)
        keys = _kept_keys(type(picker).get_possible_keys.__qualname__, picker, value, key, shape)
        if keys is None:
            return original(self, value, key, shape)  # the picker computes and keeps the list
        found = _first_value(value, keys)
        if picker.response_transformers:
            found = _transformed(picker.response_transformers, ".".join(self.path) + "." + key, found)
        return found

    return get_value


def _serialize_method(original: Callable[..., Any]) -> Any:
    """moto finds the method for each value it serializes by formatting its name and looking it up on the
    serializer; the method depends only on the serializer's class and the shape's type."""
    methods: dict[tuple[type, str], Any] = {}

    @functools.wraps(original)
    def serialize(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        function = methods.get((type(self), shape.type_name))
        if function is None:
            method = getattr(self, f"_serialize_type_{shape.type_name}", self._default_serialize)
            if getattr(method, "__self__", None) is not self:  # not a plain method (a static one): moto's way
                return original(self, serialized, value, shape, key)
            function = methods[(type(self), shape.type_name)] = method.__func__
        path = self.path
        path.append(key or shape.name)
        function(self, serialized, value, shape, key)
        path.pop()

    return serialize


REQUEST_ID_OPEN, REQUEST_ID_CLOSE = "<RequestId>", "</RequestId>"


def _request_id_in_xml(original: Callable[..., Any]) -> Any:
    """moto writes the request id into an XML answer with re.sub and a look-behind, two passes over the whole body
    for every answer (most of them one line, some of them large listings). For a one-line text body, the same
    replacement without the regular expression: from the first <RequestId> to the last </RequestId>, as the greedy
    pattern matches. Anything else goes to moto."""

    @functools.wraps(original)
    def enrich(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
        if not isinstance(body, str) or "\n" in body:
            return original(headers, body)
        if "status" in headers:
            headers["status"] = str(headers["status"])
        request_id = moto_responses.gen_amzn_requestid_long(headers)
        start = body.find(REQUEST_ID_OPEN)
        if start >= 0:
            start += len(REQUEST_ID_OPEN)
            end = body.rfind(REQUEST_ID_CLOSE)
            if end >= start:
                body = body[:start] + request_id + body[end:]
        return headers, body

    return enrich


TIMESTAMPS_KEPT = 50_000


def _timestamp_text(original: Callable[..., Any]) -> Any:
    """moto parses every timestamp it answers with dateutil (ELBv2 keeps them as text): a third of a
    DescribeLoadBalancers. The text depends only on the value, the format and the serializer's class, so it is
    kept; values that cannot be kept (unhashable) are converted as before."""
    known: dict[tuple[Any, ...], Any] = {}

    @functools.wraps(original)
    def convert(self: Any, value: Any, timestamp_format: str) -> Any:
        try:
            key = (type(self), type(value), value, getattr(value, "tzinfo", None), timestamp_format)
            hit = known.get(key)
        except TypeError:
            return original(self, value, timestamp_format)
        if hit is None:
            if len(known) >= TIMESTAMPS_KEPT:
                known.clear()
            hit = known[key] = original(self, value, timestamp_format)
        return hit

    return convert


LAUNCH_TEMPLATES_PAGE = 200  # AWS: MaxResults 1-200


def _describe_launch_templates(original: Callable[..., Any]) -> Any:
    """moto answers at most MaxResults (default 15) templates and never a NextToken: a class listing lost the rest."""

    @functools.wraps(original)
    def action(self: Any) -> ActionResult:
        self.error_on_dryrun()
        size = min(max(self._get_int_param("MaxResults", LAUNCH_TEMPLATES_PAGE), 1), LAUNCH_TEMPLATES_PAGE)
        token = self._get_param("NextToken")
        start = int(token) if token and token.isdigit() else 0
        templates = self.ec2_backend.describe_launch_templates(
            template_names=self._get_param("LaunchTemplateNames", []),
            template_ids=self._get_param("LaunchTemplateIds", []),
            filters=self._filters_from_querystring(),
        )
        page = templates[start:start + size]
        result: dict[str, Any] = {"LaunchTemplates": [
            {"CreateTime": t.create_time, "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
             "DefaultVersionNumber": t.default_version_number, "LatestVersionNumber": t.latest_version_number,
             "LaunchTemplateId": t.id, "LaunchTemplateName": t.name, "Tags": t.tags}
            for t in page
        ]}
        if start + size < len(templates):
            result["NextToken"] = str(start + size)
        return ActionResult(result)

    return action


def _list_instance_profiles(original: Callable[..., Any]) -> Any:
    """moto answers every instance profile whatever PathPrefix says; AWS, only those under the path."""

    @functools.wraps(original)
    def action(self: Any) -> ActionResult:
        path = self._get_param("PathPrefix", "/")
        return ActionResult({"InstanceProfiles": [p for p in self.backend.get_instance_profiles()
                                                  if p.path.startswith(path)]})

    return action


def _account_id_from(original: Callable[..., str]) -> Any:
    """moto looks for the call's access key in the IAM of every partition of every account, and asking for an IAM
    that does not exist yet builds it, with its 1,300 managed policies: at the first call, five IAMs (aws-cn,
    aws-us-gov, …) that no lab uses, seconds under the emulator's lock. An IAM that does not exist holds no keys."""

    @functools.wraps(original)
    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(iam_models.iam_backends.items()):
            for partition in iam_models.PARTITION_NAMES:
                backend = dict.get(account, partition)
                if backend is not None and access_key in backend.access_keys:
                    return account_id
        return iam_models.DEFAULT_ACCOUNT_ID

    return get_account_id_from


def _ecs_action(handler: Callable[[Any, dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
    """An EC2ContainerServiceResponse action moto lacks: every parameter to `handler`, its dict as the answer."""

    def action(self: Any) -> ActionResult:
        return ActionResult(handler(self.ecs_backend, self._get_params()))

    action.__name__ = handler.__name__
    return action


@dataclass(frozen=True)
class Addition:
    """An API action moto 5.2.5 lacks (calling it raised NotImplementedError, an HTTP 500)."""

    owner: Any
    name: str
    action: Callable[..., Any]
    why: str


ADDITIONS: tuple[Addition, ...] = (
    Addition(ApplicationAutoScalingResponse, "describe_scaling_activities", _describe_scaling_activities,
             "the activities the simulated policies wrote (autoscaling.py)"),
    Addition(CloudWatchResponse, "describe_alarm_history", _describe_alarm_history,
             "the state changes and actions of the simulated alarms (alarms.py)"),
    Addition(EC2ContainerServiceResponse, "list_service_deployments",
             _ecs_action(service_deployments.list_service_deployments),
             "the service's deployment history the scheduler writes (service_deployments.py)"),
    Addition(EC2ContainerServiceResponse, "describe_service_deployments",
             _ecs_action(service_deployments.describe_service_deployments), "the same history, in full"),
    Addition(EC2ContainerServiceResponse, "describe_service_revisions",
             _ecs_action(service_deployments.describe_service_revisions), "what each deployment deployed"),
    Addition(EC2ContainerServiceResponse, "stop_service_deployment",
             _ecs_action(service_deployments.stop_service_deployment),
             "asks the scheduler to roll back (or stop) a deployment in progress"),
    Addition(EC2ContainerServiceResponse, "update_task_protection",
             _ecs_action(task_protection.update_task_protection),
             "scale-in protection on the simulated clock (task_protection.py)"),
    Addition(EC2ContainerServiceResponse, "get_task_protection",
             _ecs_action(task_protection.get_task_protection), "the same protection, read"),
)

PATCHES: tuple[Patch, ...] = (
    Patch(EC2ContainerServiceResponse, "run_task", RESPONSE_SIGNATURE,
          _response(_run_task), "placement, capacity providers, validation, and `failures` (moto: always [])"),
    Patch(EC2ContainerServiceResponse, "create_service", RESPONSE_SIGNATURE,
          _response(lambda backend, params: {"service": api.create_service(backend, params)}),
          "keeps the fields moto drops (strategies, deployment configuration) and starts a real deployment"),
    Patch(EC2ContainerServiceResponse, "update_service", RESPONSE_SIGNATURE,
          _response(lambda backend, params: {"service": api.update_service(backend, params)}),
          "moto copies desiredCount into runningCount and never starts a deployment"),
    Patch(EC2ContainerServiceResponse, "list_tasks", RESPONSE_SIGNATURE,
          _response(lambda backend, params: {"taskArns": [t.task_arn for t in api.list_tasks(backend, params)]}),
          "serviceName, launchType and the default desiredStatus RUNNING; no TypeError on Fargate tasks"),
    Patch(EC2ContainerServiceResponse, "describe_tasks", RESPONSE_SIGNATURE, _describe_tasks,
          "unknown tasks as MISSING failures; only this cluster's tasks; no state decay on describe"),
    Patch(EC2ContainerServiceBackend, "run_task",
          "(self, cluster_str: str, task_definition_str: str, count: int, overrides: dict[str, typing.Any] | None, "
          "started_by: str, tags: list[dict[str, str]] | None, launch_type: str | None, "
          "networking_configuration: dict[str, typing.Any] | None = None, group: str | None = None, "
          "platform_version: str | None = None, capacity_provider_strategy: list[dict[str, typing.Any]] | None = None"
          ") -> list[moto.ecs.models.Task]",
          _replace(_backend_run_task), "same behaviour for callers inside moto (CloudFormation)"),
    Patch(EC2ContainerServiceBackend, "list_tasks",
          "(self, cluster_str: str | None = None, container_instance: str | None = None, family: str | None = None, "
          "started_by: str | None = None, service_name: str | None = None, desiredStatus: str | None = None) "
          "-> list[moto.ecs.models.Task]",
          _replace(_backend_list_tasks), "TypeError with Fargate tasks and containerInstance; serviceName ignored"),
    Patch(EC2ContainerServiceBackend, "stop_task",
          "(self, cluster_str: str, task_str: str, reason: str) -> moto.ecs.models.Task",
          _replace(_backend_stop_task), "stopping twice raised ValueError; tasks now stop over time"),
    Patch(EC2ContainerServiceBackend, "delete_service",
          "(self, cluster_name: str, service_name: str, force: bool) -> moto.ecs.models.Service",
          _wrap(api.delete_service), "the service drains (DRAINING, then INACTIVE when its tasks stopped)"),
    Patch(EC2ContainerServiceBackend, "delete_cluster", "(self, cluster_str: str) -> moto.ecs.models.Cluster",
          _wrap(api.delete_cluster), "ClusterContains*Exception as on AWS; no resurrection on re-create"),
    Patch(EC2ContainerServiceBackend, "register_container_instance",
          "(self, cluster_str: str, ec2_instance_id: str) -> moto.ecs.models.ContainerInstance",
          _wrap(api.register_container_instance), "instance-type resources; ClusterNotFoundException"),
    Patch(EC2ContainerServiceBackend, "deregister_container_instance",
          "(self, cluster_str: str, container_instance_str: str, force: bool) -> moto.ecs.models.ContainerInstance",
          _wrap(api.deregister_container_instance), "unknown instance raised a bare Exception"),
    Patch(EC2ContainerServiceBackend, "list_services",
          "(self, cluster_str: str, scheduling_strategy: str | None = None, launch_type: str | None = None) "
          "-> list[str]",
          _wrap(api.list_services), "moto lists INACTIVE (deleted) services too"),
    Patch(EC2ContainerServiceBackend, "list_clusters", "(self) -> list[str]",
          _wrap(api.list_clusters), "moto lists INACTIVE (deleted) clusters too"),
    Patch(EC2ContainerServiceBackend, "describe_capacity_providers",
          "(self, names: list[str]) -> tuple[list[moto.ecs.models.CapacityProvider], "
          "list[moto.ecs.models.CapacityProviderFailure]]",
          _wrap(api.describe_capacity_providers), "no names: TypeError; AWS lists every provider"),
    Patch(EC2ContainerServiceBackend, "register_task_definition",
          "(self, family: str, container_definitions: list[dict[str, typing.Any]], "
          "volumes: list[dict[str, typing.Any]] | None = None, network_mode: str | None = None, "
          "tags: list[dict[str, str]] | None = None, placement_constraints: list[dict[str, str]] | None = None, "
          "requires_compatibilities: list[str] | None = None, cpu: str | None = None, memory: str | None = None, "
          "task_role_arn: str | None = None, execution_role_arn: str | None = None, "
          "proxy_configuration: dict[str, typing.Any] | None = None, "
          "inference_accelerators: list[dict[str, str]] | None = None, "
          "runtime_platform: dict[str, str] | None = None, ipc_mode: str | None = None, "
          "pid_mode: str | None = None, ephemeral_storage: dict[str, int] | None = None) "
          "-> moto.ecs.models.TaskDefinition",
          _wrap(api.register_task_definition), "Fargate cpu/memory table and awsvpc, as AWS validates them"),
    Patch(FakeAutoScalingGroup, "replace_autoscaling_group_instances",
          "(self, count_needed: 'int', propagated_tags: 'dict[str, str]') -> 'None'",
          _wrap(asg.launch_instances), "mixed instances policy: Spot, instance types and AZs (moto: first subnet, "
          "on demand, one type)"),
    Patch(ApplicationAutoscalingBackend, "put_scaling_policy",
          "(self, policy_name: str, service_namespace: str, resource_id: str, scalable_dimension: str, "
          "policy_body: dict[str, typing.Any], policy_type: str | None) -> 'FakeApplicationAutoscalingPolicy'",
          _wrap(autoscaling.put_scaling_policy), "ObjectNotFoundException without a scalable target; replacing a "
          "policy replaces its alarms (moto kept the old ones)"),
    Patch(ApplicationAutoscalingBackend, "deregister_scalable_target",
          "(self, namespace: str, r_id: str, dimension: str) -> None",
          _wrap(autoscaling.deregister_scalable_target), "the target's policies and alarms go with it"),
    Patch(ApplicationAutoscalingBackend, "put_scheduled_action",
          "(self, service_namespace: str, schedule: str, timezone: str, scheduled_action_name: str, "
          "resource_id: str, scalable_dimension: str, start_time: str, end_time: str, scalable_target_action: str) "
          "-> None",
          _wrap(scheduled.put_scheduled_action), "moto stores the action and never runs it: the schedule is "
          "validated and runs on the simulated clock (scheduled.py); ObjectNotFoundException without a target"),
    Patch(FakeApplicationAutoscalingPolicy, "_generate_ecs_alarms", "(self) -> list['Alarm']",
          _replace(autoscaling.tracking_alarms), "thresholds at the target and 90% of it (moto: 6), "
          "DisableScaleIn, customized metrics"),
    Patch(CloudWatchBackend, "put_metric_alarm",
          "(self, name: str, namespace: str, metric_name: str, comparison_operator: str, evaluation_periods: int, "
          "period: int, threshold: float, statistic: str, description: str, dimensions: list[dict[str, str]], "
          "alarm_actions: list[str], metric_data_queries: list[moto.cloudwatch.models.MetricDataQuery] | None = None, "
          "datapoints_to_alarm: int | None = None, extended_statistic: str | None = None, "
          "ok_actions: list[str] | None = None, insufficient_data_actions: list[str] | None = None, "
          "unit: str | None = None, actions_enabled: bool = True, treat_missing_data: str | None = None, "
          "evaluate_low_sample_count_percentile: str | None = None, threshold_metric_id: str | None = None, "
          "rule: str | None = None, tags: list[dict[str, str]] | None = None) -> moto.cloudwatch.models.Alarm",
          _wrap(alarms.put_metric_alarm), "new alarms start in INSUFFICIENT_DATA, updates keep the state; history"),
    Patch(CloudWatchBackend, "set_alarm_state",
          "(self, alarm_name: str, reason: str, reason_data: str, state_value: str) -> None",
          _wrap(alarms.set_alarm_state), "history, and the new state's scaling actions run"),
    Patch(VPCBackend, "create_default_vpc", "(self) -> moto.ec2.models.vpcs.VPC", _wrap(network.default_vpc),
          "the default VPC had no internet gateway nor a route to one (AWS's tutorials failed there)"),
    Patch(NatGatewayBackend, "create_nat_gateway",
          "(self, subnet_id: str, allocation_id: str, tags: dict[str, str] | None = None, "
          "connectivity_type: str = 'public') -> moto.ec2.models.nat_gateways.NatGateway",
          _wrap(nat.created), "available at once; on AWS a NAT gateway is pending for a while"),
    Patch(FakeTargetGroup, "health_for",
          "(self, target: dict[str, typing.Any], ec2_backend: moto.ec2.models.EC2Backend) "
          "-> moto.elbv2.models.FakeHealthStatus",
          _wrap(loadbalancing.health_for), "every target healthy at once; now the simulated health checks"),
    Patch(ecs_models, "random_private_ip", "(cidr: str | None = None, ipv6: bool = False) -> str",
          _replace(_no_ip), "moto.ecs.models.Task.__init__ gives the task ENI a random 10.x address"),
    Patch(TagBackend, "describe_tags", "(self, filters: dict[str, list[str]] | None = None) -> list[dict[str, str]]",
          _wrap(_describe_tags), "one EC2 object's tags scanned every tag of every resource (a class's hot spot)"),
    Patch(ec2_utils, "tag_filter_matches", "(obj: Any, filter_name: str, filter_values: list[str]) -> bool",
          _wrap(_tag_filter), "a regular expression built per value per object for a plain tag filter"),
    Patch(ec2_security_groups, "tag_filter_matches", "(obj: Any, filter_name: str, filter_values: list[str]) -> bool",
          _wrap(_tag_filter), "the same, as security groups import it"),
    Patch(NatGatewayBackend, "describe_nat_gateways",
          "(self, filters: Any, nat_gateway_ids: list[str] | None) -> list[moto.ec2.models.nat_gateways.NatGateway]",
          _wrap(_nat_gateways_by_tag), "tag filters ignored: a student's listing carried the whole class's"),
    Patch(moto_backends, "list_of_moto_modules", "() -> collections.abc.Iterable[str]",
          _module_list, "a directory listing on disk for each request"),
    Patch(LaunchTemplates, "describe_launch_templates", "(self) -> moto.core.responses.ActionResult",
          _describe_launch_templates, "at most 15 templates and no NextToken (a class lost templates)"),
    Patch(IamResponse, "list_instance_profiles", RESPONSE_SIGNATURE, _list_instance_profiles,
          "PathPrefix ignored: a student's inventory listed the whole class's instance profiles"),
    Patch(moto_responses, "method_names_from_class", "(clazz: 'object') -> 'list[str]'",
          _method_names, "inspect.getmembers of the response class for every request"),
    Patch(AttributePicker, "get_possible_keys", "(self, context: 'AttributePickerContext') -> 'Generator[str]'",
          _possible_keys, "alias rules evaluated for every member of every object answered"),
    Patch(AttributePicker, "__call__", "(self, context: 'AttributePickerContext') -> 'Any'",
          _pick_value, "every transformer of the response tried on every member's path"),
    Patch(ResponseSerializer, "get_value", "(self, value: 'Any', key: 'str', shape: 'Shape') -> 'Any'",
          _member_value, "a context object and the joined path of the answer built for every member answered"),
    Patch(ResponseSerializer, "_serialize", "(self, serialized: 'Serialized', value: 'Any', shape: 'Shape', "
          "key: 'str') -> 'None'", _serialize_method, "the method of every value answered looked up by its name"),
    Patch(XFormedAttributePicker, "get_possible_keys",
          "(self, context: 'AttributePickerContext') -> 'Generator[str]'",
          _possible_keys, "the same, with snake_case names too"),
    Patch(moto_responses.BaseResponse, "_enrich_response", "(headers: 'dict[str, str]', body: 'Any') -> 'tuple["
          "dict[str, str], Any]'", _request_id_in_xml, "two regular-expression passes over every answer's body"),
    Patch(TimestampSerializer, "_convert_timestamp_to_str",
          "(self, value: 'int | str | datetime', timestamp_format: 'str') -> 'str'", _timestamp_text,
          "every timestamp of every answer parsed again (dateutil for those moto keeps as text)"),
    Patch(iam_models, "get_account_id_from", "(access_key: 'str') -> 'str'", _account_id_from,
          "the first call built the IAM of every partition, managed policies included, to look for its access key"),
    Patch(xmltodict, "unparse", "(input_dict, output=None, encoding='utf-8', full_document=True, "
          "short_empty_elements=False, comment_key='#comment', **kwargs)",
          xml_body.make_unparse, "moto.core.serialize writes every query-protocol answer through xml.sax"),
)

_installed = False


def _apply(patch: Patch) -> None:
    original = getattr(patch.owner, patch.name)
    if getattr(original, "_ecslab_patched", False):
        return
    replacement = patch.replacement(original)
    replacement._ecslab_patched = True
    static = isinstance(inspect.getattr_static(patch.owner, patch.name), staticmethod)
    setattr(patch.owner, patch.name, staticmethod(replacement) if static else replacement)


def install() -> None:
    """Apply every patch (idempotent) and make moto leave task states to the simulation."""
    global _installed
    if _installed:
        return
    for patch in PATCHES:
        _apply(patch)
    for addition in ADDITIONS:
        if not hasattr(addition.owner, addition.name):
            setattr(addition.owner, addition.name, addition.action)
    # moto.ec2.models.elastic_network_interfaces.NetworkInterface.__init__ sets private_dns_name only when the
    # VPC has DNS hostnames; moto.ecs.models.Task.__init__ reads it anyway (AttributeError, HTTP 500).
    if not hasattr(NetworkInterface, "private_dns_name"):
        NetworkInterface.private_dns_name = None
    # moto.ec2.utils.passes_filter_dict raises NotImplementedError (HTTP 500) for filters missing from this table.
    ec2_utils.filter_dict_attribute_mapping.setdefault("instance-lifecycle", "lifecycle")
    set_task_transition_manual()
    _installed = True


def set_task_transition_manual() -> None:
    """moto.moto_api state manager, model `ecs::task`: otherwise each describe_tasks moves a task towards STOPPED."""
    from moto.moto_api import state_manager

    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**12})
