"""The behaviour fixes to moto 5.2.5: every place where moto's internals are replaced, wrapped, added to or set.

`PATCHES` replaces or wraps a moto function (each entry names it and the signature relied on), `ADDITIONS` adds the
API actions moto lacks, `SETTINGS` sets values moto lacks or gets wrong. `install()` applies all three once; a test
fails loudly when a moto upgrade changes one. Speed-ups, which change no answer, are elsewhere
(ecslab.emulator.speedups).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import moto.ec2.models.nat_gateways as nat_gateway_models
import moto.ec2.utils as ec2_utils
import moto.ecs.models as ecs_models
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeApplicationAutoscalingPolicy
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.autoscaling.models import FakeAutoScalingGroup
from moto.autoscaling.responses import AutoScalingResponse
from moto.cloudwatch.models import CloudWatchBackend
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.elastic_network_interfaces import NetworkInterface
from moto.ec2.models.instances import InstanceBackend
from moto.ec2.models.nat_gateways import NatGatewayBackend
from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule
from moto.ec2.models.subnets import Subnet
from moto.ec2.models.vpcs import VPCBackend
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ecs.exceptions import ECSException
from moto.ecs.models import EC2ContainerServiceBackend
from moto.ecs.responses import DESCRIBE_TASKS_TAGS, EC2ContainerServiceResponse
from moto.ecs.responses import format_attributes as ecs_format_attributes
from moto.elbv2.models import FakeTargetGroup
from moto.iam.responses import IamResponse
from moto.ssm.models import ParameterDict
from moto.sts.responses import TokenResponse

from ecslab.behaviour import (
    account_settings,
    alarms,
    api,
    asg,
    autoscaling,
    aws_errors,
    caller_identity,
    cloudformation_replacement,
    cluster_settings,
    enum_validation,
    execute_command,
    express_mode,
    external_controller,
    loadbalancing,
    managed_scaling_resources,
    nat,
    network,
    scheduled_actions,
    security_group_dependencies,
    service_connect,
    service_deployments,
    ssm_parameters,
    tags,
    task_protection,
)
from ecslab.behaviour.aws_errors import AwsError
from ecslab.behaviour.patching import Patch, apply, replace, wrap
from ecslab.behaviour.world import world_of

MOTO_VERSION = "5.2.5"
RESPONSE_SIGNATURE = "(self) -> 'ActionResult'"
NETWORK_INTERFACE_SIGNATURE = (
    "(self, ec2_backend: 'Any', subnet: 'Any', private_ip_address: 'list[str] | str', "
    "private_ip_addresses: 'list[dict[str, Any]] | None' = None, device_index: 'int' = 0, "
    "public_ip_auto_assign: 'bool' = False, group_ids: 'list[str] | None' = None, description: 'str | None' = None, "
    "tags: 'dict[str, str] | None' = None, delete_on_termination: 'bool | None' = False, **kwargs: 'Any')")


def _response(handler: Callable[[Any, dict[str, Any]], dict[str, Any]]) -> Callable[[Callable[..., Any]], Any]:
    """Replace an EC2ContainerServiceResponse action: read every parameter, answer with what `handler` returns."""

    def make(original: Callable[..., Any]) -> Any:
        @functools.wraps(original)
        def action(self: Any) -> ActionResult:
            return ActionResult(handler(self.ecs_backend, self._get_params()))

        return action

    return make


def _run_task(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    started, failures = api.run_task(backend, params)
    return {"tasks": started, "failures": failures}


def _create_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    external = external_controller.controller_of(params) == external_controller.EXTERNAL
    return {"service": (external_controller.create_service if external else api.create_service)(backend, params)}


def _update_service(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    service = backend._get_service(api.active_cluster(backend, params.get("cluster")).name,
                                   params["service"].split("/")[-1])
    if external_controller.is_external(service):
        return {"service": external_controller.update_service(service, params)}
    return {"service": api.update_service(backend, params)}


def _class_method(function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    """Wrap a classmethod that moto calls on the class with keywords only (CloudFormation's
    update_from_cloudformation_json): `function(original, **kwargs)`, `original` bound to the class."""

    def make(original: Callable[..., Any]) -> Any:
        @functools.wraps(original)
        def method(**kwargs: Any) -> Any:
            return function(original, **kwargs)

        return method

    return make


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
    """The address chosen for the task's ENI (network.AddressBook), else none: the ENI takes the subnet's lowest
    free one (network.interface_address)."""
    return network.take_prepared_ip()


def _address_from_subnet(cidr: str | None = None, ipv6: bool = False) -> None:
    """No address: the NAT gateway's interface takes its subnet's lowest free one (network.interface_address)."""
    return None


def _describe_scaling_activities(self: Any) -> str:
    params = json.loads(self.body or "{}")
    return json.dumps(autoscaling.describe_scaling_activities(world_of(self.current_account, self.region), params))


def _describe_alarm_history(self: Any) -> ActionResult:
    return ActionResult(alarms.describe_alarm_history(world_of(self.current_account, self.region),
                                                      self._get_params()))


def _nat_gateways_by_tag(original: Callable[..., Any], self: Any, filters: Any,
                         nat_gateway_ids: list[str] | None) -> list[Any]:
    """moto ignores tag filters on NAT gateways and answers the whole class's (AWS filters by tag:K, tag-key,
    tag-value)."""
    found = original(self, filters, nat_gateway_ids)
    by_tag = {name: values for name, values in (filters or {}).items()
              if name in ("tag-key", "tag-value") or name.startswith("tag:")}
    return [nat for nat in found
            if all(ec2_utils.tag_filter_matches(nat, name, values) for name, values in by_tag.items())]


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


def _ecs_addition(module: Any, name: str, why: str) -> Addition:
    """An ECS action moto lacks, answered by the behaviour module's function of the same name."""
    return Addition(EC2ContainerServiceResponse, name, _ecs_action(getattr(module, name)), why)


ADDITIONS: tuple[Addition, ...] = (
    Addition(ApplicationAutoScalingResponse, "describe_scaling_activities", _describe_scaling_activities,
             "the activities the simulated policies wrote (autoscaling.py)"),
    Addition(CloudWatchResponse, "describe_alarm_history", _describe_alarm_history,
             "the state changes and actions of the simulated alarms (alarms.py)"),
    _ecs_addition(service_deployments, "list_service_deployments",
                  "the service's deployment history the scheduler writes (service_deployments.py)"),
    _ecs_addition(service_deployments, "describe_service_deployments", "the same history, in full"),
    _ecs_addition(service_deployments, "describe_service_revisions", "what each deployment deployed"),
    _ecs_addition(service_deployments, "stop_service_deployment",
                  "asks the scheduler to roll back (or stop) a deployment in progress"),
    _ecs_addition(task_protection, "update_task_protection",
                  "scale-in protection on the simulated clock (task_protection.py)"),
    _ecs_addition(task_protection, "get_task_protection", "the same protection, read"),
    _ecs_addition(cluster_settings, "update_cluster_settings", "Container Insights (cluster_settings.py)"),
    _ecs_addition(account_settings, "put_account_setting_default", "the account's defaults (account_settings.py)"),
    _ecs_addition(service_connect, "list_services_by_namespace",
                  "the services whose Service Connect uses a namespace (service_connect.py)"),
    _ecs_addition(execute_command, "execute_command",
                  "ECS Exec refused as AWS refuses it, or because no container runs (execute_command.py)"),
    *(_ecs_addition(express_mode, f"{verb}_express_gateway_service", "Express Mode (express_mode.py)")
      for verb in ("create", "describe", "update", "delete")),
)

PATCHES: tuple[Patch, ...] = (
    Patch(EC2ContainerServiceResponse, "call_action", "(self) -> 'TYPE_RESPONSE'", wrap(enum_validation.call_action),
          "every ECS request's enum members checked against the API model (moto stored networkMode 'awsvp')"),
    Patch(EC2ContainerServiceResponse, "run_task", RESPONSE_SIGNATURE,
          _response(_run_task), "placement, capacity providers, validation, and `failures` (moto: always [])"),
    Patch(EC2ContainerServiceResponse, "create_service", RESPONSE_SIGNATURE, _response(_create_service),
          "keeps the fields moto drops (strategies, deployment configuration) and starts a real deployment"),
    Patch(EC2ContainerServiceResponse, "update_service", RESPONSE_SIGNATURE, _response(_update_service),
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
          replace(_backend_run_task), "same behaviour for callers inside moto (CloudFormation)"),
    Patch(EC2ContainerServiceBackend, "list_tasks",
          "(self, cluster_str: str | None = None, container_instance: str | None = None, family: str | None = None, "
          "started_by: str | None = None, service_name: str | None = None, desiredStatus: str | None = None) "
          "-> list[moto.ecs.models.Task]",
          replace(_backend_list_tasks), "TypeError with Fargate tasks and containerInstance; serviceName ignored"),
    Patch(EC2ContainerServiceBackend, "stop_task",
          "(self, cluster_str: str, task_str: str, reason: str) -> moto.ecs.models.Task",
          replace(_backend_stop_task), "stopping twice raised ValueError; tasks now stop over time"),
    Patch(EC2ContainerServiceBackend, "delete_service",
          "(self, cluster_name: str, service_name: str, force: bool) -> moto.ecs.models.Service",
          wrap(api.delete_service), "the service drains (DRAINING, then INACTIVE when its tasks stopped)"),
    Patch(EC2ContainerServiceBackend, "delete_cluster", "(self, cluster_str: str) -> moto.ecs.models.Cluster",
          wrap(api.delete_cluster), "ClusterContains*Exception as on AWS; no resurrection on re-create"),
    Patch(EC2ContainerServiceBackend, "register_container_instance",
          "(self, cluster_str: str, ec2_instance_id: str) -> moto.ecs.models.ContainerInstance",
          wrap(api.register_container_instance), "instance-type resources; ClusterNotFoundException"),
    Patch(EC2ContainerServiceBackend, "deregister_container_instance",
          "(self, cluster_str: str, container_instance_str: str, force: bool) -> moto.ecs.models.ContainerInstance",
          wrap(api.deregister_container_instance), "unknown instance raised a bare Exception"),
    Patch(EC2ContainerServiceBackend, "_get_resource",
          "(self, resource_arn: str, parsed_arn: dict[str, str]) -> Any", wrap(tags.resource),
          "a task ARN was looked up in the default cluster only (ClusterNotFoundException): tagging tasks failed"),
    Patch(EC2ContainerServiceResponse, "create_cluster", RESPONSE_SIGNATURE, cluster_settings.create_cluster,
          "statistics, tags, capacityProviders and the strategies' base missing; the account's Container Insights"),
    *(Patch(EC2ContainerServiceResponse, action, RESPONSE_SIGNATURE, cluster_settings.cluster_answer,
            "the same fields on the cluster it answers") for action in ("put_cluster_capacity_providers",
                                                                         "update_cluster")),
    Patch(EC2ContainerServiceBackend, "list_account_settings",
          "(self, name: str | None = None, value: str | None = None) -> list[moto.ecs.models.AccountSetting]",
          wrap(account_settings.list_account_settings), "the account's defaults (PutAccountSettingDefault)"),
    *(Patch(model, "update_from_cloudformation_json",
            f"(original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, "
            f"region_name: str) -> '{model.__name__}'", _class_method(replace_in_stack),
            "UpdateStack replaced it by deleting the old one first (ClusterContainsServicesException) or not at all")
      for model, replace_in_stack in ((ecs_models.Cluster, cloudformation_replacement.update_cluster),
                                      (ecs_models.Service, cloudformation_replacement.update_service))),
    Patch(EC2ContainerServiceBackend, "list_services",
          "(self, cluster_str: str, scheduling_strategy: str | None = None, launch_type: str | None = None) "
          "-> list[str]",
          wrap(api.list_services), "moto lists INACTIVE (deleted) services too"),
    Patch(EC2ContainerServiceBackend, "list_clusters", "(self) -> list[str]",
          wrap(api.list_clusters), "moto lists INACTIVE (deleted) clusters too"),
    Patch(EC2ContainerServiceBackend, "describe_capacity_providers",
          "(self, names: list[str]) -> tuple[list[moto.ecs.models.CapacityProvider], "
          "list[moto.ecs.models.CapacityProviderFailure]]",
          wrap(api.describe_capacity_providers), "no names: TypeError; AWS lists every provider"),
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
          wrap(api.register_task_definition), "Fargate cpu/memory table and awsvpc, as AWS validates them"),
    *(Patch(AutoScalingResponse, action, "(self) -> moto.core.responses.ActionResult", wrap(asg.checked_sizes),
            "MinSize <= DesiredCapacity <= MaxSize as EC2 Auto Scaling validates it (moto launched any number)")
      for action in ("create_auto_scaling_group", "update_auto_scaling_group", "set_desired_capacity")),
    Patch(FakeAutoScalingGroup, "replace_autoscaling_group_instances",
          "(self, count_needed: 'int', propagated_tags: 'dict[str, str]') -> 'None'",
          wrap(asg.launch_instances), "mixed instances policy: Spot, instance types and AZs (moto: first subnet, "
          "on demand, one type)"),
    Patch(ApplicationAutoscalingBackend, "put_scaling_policy",
          "(self, policy_name: str, service_namespace: str, resource_id: str, scalable_dimension: str, "
          "policy_body: dict[str, typing.Any], policy_type: str | None) -> 'FakeApplicationAutoscalingPolicy'",
          wrap(autoscaling.put_scaling_policy), "ObjectNotFoundException without a scalable target; replacing a "
          "policy replaces its alarms (moto kept the old ones)"),
    Patch(ApplicationAutoscalingBackend, "register_scalable_target",
          "(self, namespace: str, r_id: str, dimension: str, min_capacity: int | None, max_capacity: int | None, "
          "role_arn: str, suspended_state: str) -> 'FakeScalableTarget'",
          wrap(autoscaling.register_scalable_target), "no RoleARN (required in the answer): ECS's service-linked role"),
    Patch(ApplicationAutoscalingBackend, "deregister_scalable_target",
          "(self, namespace: str, r_id: str, dimension: str) -> None",
          wrap(autoscaling.deregister_scalable_target), "the target's policies and alarms go with it"),
    Patch(ApplicationAutoscalingBackend, "put_scheduled_action",
          "(self, service_namespace: str, schedule: str, timezone: str, scheduled_action_name: str, "
          "resource_id: str, scalable_dimension: str, start_time: str, end_time: str, scalable_target_action: str) "
          "-> None",
          wrap(scheduled_actions.put_scheduled_action), "moto stores the action and never runs it: the schedule is "
          "validated and runs on the simulated clock (scheduled_actions.py); ObjectNotFoundException without a target"),
    Patch(FakeApplicationAutoscalingPolicy, "_generate_ecs_alarms", "(self) -> list['Alarm']",
          replace(autoscaling.tracking_alarms), "thresholds at the target and 90% of it (moto: 6), "
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
          wrap(alarms.put_metric_alarm), "new alarms start in INSUFFICIENT_DATA, updates keep the state; history"),
    Patch(CloudWatchBackend, "set_alarm_state",
          "(self, alarm_name: str, reason: str, reason_data: str, state_value: str) -> None",
          wrap(alarms.set_alarm_state), "history, and the new state's scaling actions run"),
    Patch(SecurityGroupBackend, "delete_security_group", "(self, name: str | None = None, group_id: str | None = None) "
          "-> None", wrap(security_group_dependencies.delete_security_group),
          "a group still used by an interface or a just-terminated instance was deleted (AWS: DependencyViolation)"),
    Patch(InstanceBackend, "run_instances",
          "(self, image_id: 'str', count: 'int', user_data: 'Base64EncodedString | None', "
          "security_group_names: 'list[str]', **kwargs: 'Any') -> 'Reservation'",
          wrap(network.run_instances),
          "instances were launched into a full subnet (AWS: InsufficientFreeAddressesInSubnet)"),
    Patch(Subnet, "get_available_subnet_ip", "(self, instance: 'Instance') -> 'str'", wrap(network.instance_address),
          "an instance's address came from a counter blind to task interfaces (an instance took a task's address)"),
    Patch(NetworkInterface, "__init__", NETWORK_INTERFACE_SIGNATURE, wrap(network.interface_address),
          "an interface without an address got a random one of the CIDR (reserved, or another interface's)"),
    Patch(AutoScalingResponse, "describe_scaling_activities", "(self) -> moto.core.responses.ActionResult",
          asg.describe_scaling_activities, "moto answered no activity; now the group's failed launches"),
    Patch(InstanceBackend, "terminate_instances",
          "(self, instance_ids: 'list[str]') -> 'list[tuple[Instance, InstanceState]]'",
          wrap(security_group_dependencies.terminate_instances),
          "notes when the instance's interface goes (simulated clock)"),
    Patch(VPCBackend, "create_default_vpc", "(self) -> moto.ec2.models.vpcs.VPC", wrap(network.default_vpc),
          "the default VPC had no internet gateway nor a route to one (AWS's tutorials failed there)"),
    Patch(NatGatewayBackend, "create_nat_gateway",
          "(self, subnet_id: str, allocation_id: str, tags: dict[str, str] | None = None, "
          "connectivity_type: str = 'public') -> moto.ec2.models.nat_gateways.NatGateway",
          wrap(nat.created), "available at once; on AWS a NAT gateway is pending for a while"),
    Patch(NatGatewayBackend, "delete_nat_gateway",
          "(self, nat_gateway_id: str) -> moto.ec2.models.nat_gateways.NatGateway",
          wrap(nat.deleted), "its network interface stayed behind (one leaked per lab network)"),
    Patch(FakeTargetGroup, "health_for",
          "(self, target: dict[str, typing.Any], ec2_backend: moto.ec2.models.EC2Backend) "
          "-> moto.elbv2.models.FakeHealthStatus",
          wrap(loadbalancing.health_for), "every target healthy at once; now the simulated health checks"),
    Patch(ecs_models, "random_private_ip", "(cidr: str | None = None, ipv6: bool = False) -> str",
          replace(_no_ip), "moto.ecs.models.Task.__init__ gives the task ENI a random 10.x address"),
    Patch(nat_gateway_models, "random_private_ip", "(cidr: str | None = None, ipv6: bool = False) -> str",
          replace(_address_from_subnet), "a NAT gateway's interface got a random 10.x address, outside its subnet"),
    Patch(NatGatewayBackend, "describe_nat_gateways",
          "(self, filters: Any, nat_gateway_ids: list[str] | None) -> list[moto.ec2.models.nat_gateways.NatGateway]",
          wrap(_nat_gateways_by_tag), "tag filters ignored: a student's listing carried the whole class's"),
    Patch(LaunchTemplates, "describe_launch_templates", "(self) -> moto.core.responses.ActionResult",
          _describe_launch_templates, "at most 15 templates and no NextToken (a class lost templates)"),
    Patch(IamResponse, "list_instance_profiles", RESPONSE_SIGNATURE, _list_instance_profiles,
          "PathPrefix ignored: a student's inventory listed the whole class's instance profiles"),
    Patch(EC2ContainerServiceBackend, "create_cluster",
          "(self, cluster_name: str, tags: Any = None, cluster_settings: Any = None, "
          "configuration: dict[str, typing.Any] | None = None, capacity_providers: list[str] | None = None, "
          "default_capacity_provider_strategy: list[dict[str, typing.Any]] | None = None, "
          "service_connect_defaults: dict[str, str] | None = None) -> moto.ecs.models.Cluster",
          wrap(managed_scaling_resources.cluster_created), "no managed scaling policy, alarms nor cluster attachments"),
    Patch(EC2ContainerServiceBackend, "put_cluster_capacity_providers",
          "(self, cluster_name: str, capacity_providers: list[str] | None, "
          "default_capacity_provider_strategy: list[dict[str, typing.Any]] | None) -> moto.ecs.models.Cluster",
          wrap(managed_scaling_resources.providers_put), "the same, when providers are associated or removed"),
    Patch(EC2ContainerServiceResponse, "describe_clusters", RESPONSE_SIGNATURE,
          wrap(managed_scaling_resources.describe_clusters), "attachments only with include=ATTACHMENTS"),
    Patch(TokenResponse, "get_caller_identity", "(self) -> moto.core.responses.ActionResult",
          wrap(caller_identity.get_caller_identity),
          "GetCallerIdentity answered moto's default user whoever signed; a class emulator's student or instructor "
          "is named (ecslab.identity)"),
    Patch(ParameterDict, "_load_tree_parameters", "(self, path: 'str') -> 'None'", wrap(ssm_parameters.tree_loaded),
          "the ECS-optimized AMI .../recommended parameters answered a Python dict's text, not AWS's JSON document"),
)



@dataclass(frozen=True)
class Setting:
    """A value moto lacks or gets wrong, set once."""

    where: str
    apply: Callable[[], None]
    why: str


def _eni_dns_name() -> None:
    if not hasattr(NetworkInterface, "private_dns_name"):
        NetworkInterface.private_dns_name = None


def _container_instance_attributes() -> None:
    for path in ("DeregisterContainerInstanceResponse.containerInstance.attributes",
                 "UpdateContainerInstancesStateResponse.containerInstances.ContainerInstance.attributes"):
        EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER.setdefault(path, ecs_format_attributes)


def _subnet_free_addresses() -> None:
    Subnet.available_ip_address_count = property(network.available_address_count)


def _lifecycle_filter() -> None:
    ec2_utils.filter_dict_attribute_mapping.setdefault("instance-lifecycle", "lifecycle")


def set_task_transition_manual() -> None:
    """moto.moto_api state manager, model `ecs::task`: otherwise each describe_tasks moves a task towards STOPPED."""
    from moto.moto_api import state_manager

    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**12})


def _rule_owner() -> None:
    if not hasattr(SecurityGroupRule, "group_owner_id"):
        SecurityGroupRule.group_owner_id = property(lambda rule: rule.ec2_backend.account_id)


SETTINGS: tuple[Setting, ...] = (
    Setting("moto.ec2.models.security_groups.SecurityGroupRule.group_owner_id", _rule_owner,
            "SecurityGroupRules (AuthorizeSecurityGroupIngress/Egress, DescribeSecurityGroupRules) lacked "
            "GroupOwnerId, the account that owns the group"),
    Setting("moto.ec2.models.elastic_network_interfaces.NetworkInterface.private_dns_name", _eni_dns_name,
            "NetworkInterface.__init__ sets it only when the VPC has DNS hostnames; moto.ecs.models.Task.__init__ "
            "reads it anyway (AttributeError, HTTP 500)"),
    Setting("moto.ecs.responses.EC2ContainerServiceResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER (attributes)",
            _container_instance_attributes, "moto writes a container instance's attributes as AWS's name/value list "
            "only in Describe/RegisterContainerInstance: Deregister and UpdateContainerInstancesState answered "
            "attributes without their names"),
    Setting("moto.ec2.models.subnets.Subnet.available_ip_address_count", _subnet_free_addresses,
            "counted every interface moto keeps, a terminated instance's for good (AvailableIpAddressCount -1)"),
    Setting("moto.ec2.utils.filter_dict_attribute_mapping['instance-lifecycle']", _lifecycle_filter,
            "passes_filter_dict raises NotImplementedError (HTTP 500) for filters missing from this table"),
    Setting("moto.moto_api.state_manager: ecs::task", set_task_transition_manual,
            "moto moves a task towards STOPPED on each describe_tasks; the simulation decides task states"),
)

def moto_error(error: AwsError) -> Exception:
    """moto's exception for an AWS error the behaviour layer raised (same code, message and protocol)."""
    if error.service == aws_errors.ECS:
        return ECSException(error.code, error.message)
    if error.service == aws_errors.EC2:
        return EC2ClientError(error.code, error.message)
    return JsonRESTError(error.code, error.message)


def _moto_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except AwsError as error:
            raise moto_error(error) from None

    return call


def _answering_errors(replacement: Callable[[Callable[..., Any]], Any]) -> Callable[[Callable[..., Any]], Any]:
    return lambda original: _moto_errors(replacement(original))


_installed = False


def install() -> None:
    """Apply every patch, addition and setting (idempotent)."""
    global _installed
    if _installed:
        return
    for patch in PATCHES:
        apply(dataclasses.replace(patch, replacement=_answering_errors(patch.replacement)))
    for addition in ADDITIONS:
        if not hasattr(addition.owner, addition.name):
            setattr(addition.owner, addition.name, _moto_errors(addition.action))
    for setting in SETTINGS:
        setting.apply()
    _installed = True
