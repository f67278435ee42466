"""The catalogue of what the course creates: one entry per kind of resource, in the order the inventory shows them.

Each entry says its service, how it is listed (ecslab.resources.listing), whose it is, how it shows, how it is
deleted (ecslab.resources.deletion) with the error codes that mean "still in use, try again", and its place in the
deletion order. Whose a resource is comes from the course's convention (ecslab.naming): its ecslab:aluno /
ecslab:lab tags, or its `<aluno>-<lab>-` name.

The inventory (ecslab.inventory), the class roster (ecslab.turma.roster) and cleanup (ecslab.cleanup) walk it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecslab import naming
from ecslab.course import LOG_PREFIX
from ecslab.resources import deletion, listing
from ecslab.resources.kind import Kind, Owner

Raw = Any


# --- whose it is ---------------------------------------------------------------------------------------------------

def _name_tag(raw: Raw) -> str:
    return naming.tags_from_kv(raw.get("Tags")).get("Name", "")


def _tags_then_name(field: str | None = None) -> Callable[[Raw], Owner | None]:
    """The ecslab tags; without them (or tagged by hand with something odd), the name (the Name tag by default)."""
    def owner(raw: Raw) -> Owner | None:
        return naming.owner_from_tags(raw.get("Tags")) or naming.owner(raw[field] if field else _name_tag(raw))
    return owner


def _named(read: Callable[[Raw], str]) -> Callable[[Raw], Owner | None]:
    return lambda raw: naming.owner(read(raw))


def _cluster_owner(cluster: Raw) -> Owner | None:
    return naming.owner(cluster["clusterName"]) or naming.owner_from_tags(cluster.get("tags"))


def _in_cluster(raw: Raw) -> Owner | None:
    return _cluster_owner(raw["cluster"])


def _scaled_service(raw: Raw) -> list[str]:
    parts = raw["ResourceId"].split("/")  # service/<cluster>/<service>
    return parts if len(parts) == 3 else ["", "", ""]


# --- how it shows: (id, nome, what deleting it needs) --------------------------------------------------------------

def _tail(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _in_vpc(key: str) -> Callable[[Raw], tuple[str, str, dict[str, Any]]]:
    return lambda raw: (raw[key], _name_tag(raw), {"vpc": raw.get("VpcId", "")})


def _plain(key: str, name: str) -> Callable[[Raw], tuple[str, str, dict[str, Any]]]:
    return lambda raw: (raw[key], raw[name], {})


def _cluster_child(raw: Raw) -> tuple[str, str, dict[str, Any]]:
    return raw["arn"], _tail(raw["arn"]), {"cluster": raw["cluster"]["clusterArn"]}


# --- the table -----------------------------------------------------------------------------------------------------

IN_USE_ECS = ("ResourceInUseException", "UpdateInProgressException")

KINDS: tuple[Kind, ...] = (
    # ECS
    Kind("cluster", "ecs", listing.clusters, _cluster_owner,
         lambda raw: (raw["clusterArn"], raw["clusterName"], {}),
         order=8, label="cluster", delete=deletion.cluster,
         retry=("ClusterContainsServicesException", "ClusterContainsTasksException",
                "ClusterContainsContainerInstancesException", *IN_USE_ECS)),
    Kind("servico", "ecs", listing.services, _in_cluster,
         lambda raw: (raw["service"]["serviceArn"], raw["service"]["serviceName"],
                      {"cluster": raw["cluster"]["clusterArn"]}),
         order=3, label="serviço", delete=deletion.service, inside_another=True),
    Kind("tarefa", "ecs", listing.tasks, _in_cluster, _cluster_child,
         order=4, label="tarefa", delete=deletion.task, retry=("InvalidParameterException",), inside_another=True),
    Kind("instancia-de-conteiner", "ecs", listing.container_instances, _in_cluster, _cluster_child,
         order=5, label="instância de contêiner", delete=deletion.container_instance, inside_another=True),
    Kind("provedor-de-capacidade", "ecs", listing.asg_capacity_providers, _named(lambda raw: raw["name"]),
         _plain("capacityProviderArn", "name"),
         order=9, label="provedor de capacidade", delete=deletion.capacity_provider, retry=IN_USE_ECS),
    Kind("definicao-de-tarefa", "ecs", listing.task_definitions, _named(lambda arn: _tail(arn).split(":")[0]),
         lambda arn: (arn, _tail(arn), {}),
         order=10, label="definição de tarefa", delete=deletion.task_definition,
         tidy=deletion.task_definitions_tidy),
    # EC2 Auto Scaling
    Kind("grupo-auto-scaling", "autoscaling", listing.auto_scaling_groups, _tags_then_name("AutoScalingGroupName"),
         lambda raw: (raw["AutoScalingGroupARN"], raw["AutoScalingGroupName"],
                      {"instancias": [i["InstanceId"] for i in raw.get("Instances", [])]}),
         order=6, label="grupo Auto Scaling", delete=deletion.auto_scaling_group,
         retry=("ScalingActivityInProgress", "ResourceInUse"), gone=deletion.auto_scaling_groups_gone),
    # Elastic Load Balancing
    Kind("load-balancer", "elbv2", listing.load_balancers, _named(lambda raw: raw["LoadBalancerName"]),
         _plain("LoadBalancerArn", "LoadBalancerName"),
         order=11, label="load balancer", delete=deletion.load_balancer),
    Kind("grupo-de-destino", "elbv2", listing.target_groups, _named(lambda raw: raw["TargetGroupName"]),
         _plain("TargetGroupArn", "TargetGroupName"),
         order=12, label="grupo de destino", delete=deletion.target_group, retry=("ResourceInUse",)),
    # EC2
    Kind("instancia", "ec2", listing.instances, _tags_then_name(), _in_vpc("InstanceId"),
         order=7, label="instâncias", delete_all=deletion.instances, shown_by="id"),
    Kind("gateway-nat", "ec2", listing.nat_gateways, _tags_then_name(), _in_vpc("NatGatewayId"),
         order=14, label="gateway NAT", delete=deletion.nat_gateway, gone=deletion.nat_gateways_gone),
    Kind("ip-elastico", "ec2", listing.elastic_ips, _tags_then_name(),
         lambda raw: (raw["AllocationId"], _name_tag(raw), {}),
         order=15, label="IP elástico", delete=deletion.elastic_ip, retry=("InvalidIPAddress.InUse", "AuthFailure")),
    Kind("modelo-de-execucao", "ec2", listing.launch_templates, _tags_then_name("LaunchTemplateName"),
         _plain("LaunchTemplateId", "LaunchTemplateName"),
         order=13, label="modelo de execução", delete=deletion.launch_template),
    Kind("gateway-internet", "ec2", listing.internet_gateways, _tags_then_name(),
         lambda raw: (raw["InternetGatewayId"], _name_tag(raw),
                      {"vpcs": [a["VpcId"] for a in raw.get("Attachments", [])]}),
         order=17, label="gateway da internet", delete=deletion.internet_gateway, retry=("DependencyViolation",)),
    Kind("tabela-de-rotas", "ec2", listing.route_tables, _tags_then_name(), _in_vpc("RouteTableId"),
         order=18, label="tabela de rotas", delete=deletion.route_table, retry=("DependencyViolation",)),
    Kind("grupo-de-seguranca", "ec2", listing.security_groups, _tags_then_name(),
         lambda raw: (raw["GroupId"], _name_tag(raw) or raw["GroupName"], {"vpc": raw.get("VpcId", "")}),
         order=16, label="grupo de segurança", delete=deletion.security_group,
         retry=("DependencyViolation", "InvalidGroup.InUse"),
         prepare=("regras do grupo", deletion.security_group_references)),
    Kind("sub-rede", "ec2", listing.subnets, _tags_then_name(), _in_vpc("SubnetId"),
         order=19, label="sub-rede", delete=deletion.subnet, retry=("DependencyViolation",)),
    Kind("vpc", "ec2", listing.vpcs, _tags_then_name(), lambda raw: (raw["VpcId"], _name_tag(raw), {}),
         order=20, label="VPC", delete=deletion.vpc, retry=("DependencyViolation",)),
    # IAM
    Kind("perfil-de-instancia", "iam", listing.instance_profiles, _named(lambda raw: raw["InstanceProfileName"]),
         lambda raw: (raw["Arn"], raw["InstanceProfileName"], {"roles": [r["RoleName"] for r in raw.get("Roles", [])]}),
         order=22, label="perfil de instância", delete=deletion.instance_profile),
    Kind("perfil-iam", "iam", listing.roles, _named(lambda raw: raw["RoleName"]), _plain("Arn", "RoleName"),
         order=23, label="perfil IAM", delete=deletion.role, retry=("DeleteConflict",)),
    # CloudWatch Logs, ECR
    Kind("grupo-de-logs", "logs", listing.log_groups, _named(lambda raw: raw["logGroupName"][len(LOG_PREFIX):]),
         _plain("logGroupName", "logGroupName"),
         order=24, label="grupo de logs", delete=deletion.log_group),
    Kind("repositorio-ecr", "ecr", listing.repositories, _named(lambda raw: raw["repositoryName"]),
         _plain("repositoryArn", "repositoryName"),
         order=25, label="repositório ECR", delete=deletion.repository),
    # Service auto scaling and alarms (lab 05)
    Kind("destino-escalavel", "application-autoscaling", listing.scalable_targets,
         _named(lambda raw: _scaled_service(raw)[1]),
         lambda raw: (raw["ResourceId"], _scaled_service(raw)[2], {"dimensao": raw["ScalableDimension"]}),
         order=1, label="destino escalável", delete=deletion.scalable_target, shown_by="id"),
    Kind("alarme", "cloudwatch", listing.alarms, _named(lambda raw: raw["AlarmName"]),
         _plain("AlarmArn", "AlarmName"),
         order=2, label="alarmes", delete_all=deletion.alarms),
    # AWS FIS (its tags are a plain {key: value}); only real AWS has it here
    Kind("modelo-de-experimento-fis", "fis", listing.experiment_templates,
         lambda raw: naming.owner_from_tags(raw.get("tags") or {}),
         lambda raw: (raw["id"], (raw.get("tags") or {}).get("Name") or raw.get("description", ""), {}),
         order=21, label="modelo de experimento do AWS FIS", delete=deletion.experiment_template, shown_by="id",
         exists_on=lambda s: s.backend.has_fis),
)

SERVICES = tuple(dict.fromkeys(kind.service for kind in KINDS))  # the inventory's order of services
DELETION_ORDER = tuple(sorted(KINDS, key=lambda kind: kind.order))


def of_service(service: str) -> tuple[Kind, ...]:
    return tuple(kind for kind in KINDS if kind.service == service)
