"""How each kind of resource is deleted, given the inventory's item for it (what it depends on goes first: a load
balancer's listeners, a role's policies), and how to tell that a slow deletion has finished."""

from __future__ import annotations

from ecslab.resources.kind import Item, chunks, unless_gone
from ecslab.session import Sessao

# --- service auto scaling and alarms -------------------------------------------------------------------------------

def scalable_target(s: Sessao, it: Item) -> None:
    s.client("application-autoscaling").deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=it["id"], ScalableDimension=it["dimensao"])


def alarms(s: Sessao, items: list[Item]) -> None:
    s.client("cloudwatch").delete_alarms(AlarmNames=[it["nome"] for it in items])


# --- ECS ----------------------------------------------------------------------------------------------------------

def service(s: Sessao, it: Item) -> None:
    """Scaled to zero, then deleted."""
    ecs = s.client("ecs")
    ecs.update_service(cluster=it["cluster"], service=it["id"], desiredCount=0)
    ecs.delete_service(cluster=it["cluster"], service=it["id"], force=True)


def task(s: Sessao, it: Item) -> None:
    s.client("ecs").stop_task(cluster=it["cluster"], task=it["id"], reason="ecslab limpar")


def container_instance(s: Sessao, it: Item) -> None:
    s.client("ecs").deregister_container_instance(cluster=it["cluster"], containerInstance=it["id"], force=True)


def cluster(s: Sessao, it: Item) -> None:
    """Its capacity providers detached, then deleted."""
    ecs = s.client("ecs")
    ecs.put_cluster_capacity_providers(cluster=it["id"], capacityProviders=[], defaultCapacityProviderStrategy=[])
    ecs.delete_cluster(cluster=it["id"])


def capacity_provider(s: Sessao, it: Item) -> None:
    s.client("ecs").delete_capacity_provider(capacityProvider=it["nome"])


def task_definition(s: Sessao, it: Item) -> None:
    s.client("ecs").deregister_task_definition(taskDefinition=it["id"])


def task_definitions_tidy(s: Sessao, items: list[Item]) -> list[str]:
    """Deregistered is enough; deleting the definitions too is tidy-up (returns what failed)."""
    problems = []
    for chunk in chunks([it["id"] for it in items], 10):
        try:
            s.client("ecs").delete_task_definitions(taskDefinitions=chunk)
        except Exception as exc:
            problems.append(f"delete_task_definitions: {exc}")
    return problems


# --- EC2 Auto Scaling, instances, load balancing -------------------------------------------------------------------

def auto_scaling_group(s: Sessao, it: Item) -> None:
    s.client("autoscaling").delete_auto_scaling_group(AutoScalingGroupName=it["nome"], ForceDelete=True)


def auto_scaling_groups_gone(s: Sessao, items: list[Item]) -> bool:
    names = [it["nome"] for it in items]
    return not s.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=names)["AutoScalingGroups"]


def instances(s: Sessao, items: list[Item]) -> None:
    s.client("ec2").terminate_instances(InstanceIds=[it["id"] for it in items])


def load_balancer(s: Sessao, it: Item) -> None:
    """Its listeners first."""
    elb = s.client("elbv2")
    for listener in elb.describe_listeners(LoadBalancerArn=it["id"])["Listeners"]:
        elb.delete_listener(ListenerArn=listener["ListenerArn"])
    elb.delete_load_balancer(LoadBalancerArn=it["id"])


def target_group(s: Sessao, it: Item) -> None:
    s.client("elbv2").delete_target_group(TargetGroupArn=it["id"])


# --- EC2: launch templates and the network -------------------------------------------------------------------------

def launch_template(s: Sessao, it: Item) -> None:
    s.client("ec2").delete_launch_template(LaunchTemplateId=it["id"])


def nat_gateway(s: Sessao, it: Item) -> None:
    s.client("ec2").delete_nat_gateway(NatGatewayId=it["id"])


def nat_gateways_gone(s: Sessao, items: list[Item]) -> bool:
    found = s.client("ec2").describe_nat_gateways(NatGatewayIds=[it["id"] for it in items])["NatGateways"]
    return all(nat["State"] == "deleted" for nat in found)


def elastic_ip(s: Sessao, it: Item) -> None:
    s.client("ec2").release_address(AllocationId=it["id"])


def security_group_references(s: Sessao, it: Item) -> None:
    """Drop the rules that reference other groups (chained ALB → tasks), so that every group can then go."""
    ec2 = s.client("ec2")
    group = ec2.describe_security_groups(GroupIds=[it["id"]])["SecurityGroups"][0]
    refs = [p for p in group.get("IpPermissions", []) if p.get("UserIdGroupPairs")]
    if refs:
        ec2.revoke_security_group_ingress(GroupId=it["id"], IpPermissions=refs)


def security_group(s: Sessao, it: Item) -> None:
    s.client("ec2").delete_security_group(GroupId=it["id"])


def internet_gateway(s: Sessao, it: Item) -> None:
    """Detached from its VPCs first."""
    ec2 = s.client("ec2")
    for vpc_id in it.get("vpcs", []):
        unless_gone(lambda vpc_id=vpc_id: ec2.detach_internet_gateway(InternetGatewayId=it["id"], VpcId=vpc_id))
    ec2.delete_internet_gateway(InternetGatewayId=it["id"])


def route_table(s: Sessao, it: Item) -> None:
    """Its subnet associations first."""
    ec2 = s.client("ec2")
    table = ec2.describe_route_tables(RouteTableIds=[it["id"]])["RouteTables"][0]
    for assoc in table.get("Associations", []):
        if not assoc.get("Main"):
            ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=it["id"])


def subnet(s: Sessao, it: Item) -> None:
    s.client("ec2").delete_subnet(SubnetId=it["id"])


def vpc(s: Sessao, it: Item) -> None:
    s.client("ec2").delete_vpc(VpcId=it["id"])


# --- AWS FIS, IAM, logs, ECR ----------------------------------------------------------------------------------------

def experiment_template(s: Sessao, it: Item) -> None:
    s.client("fis").delete_experiment_template(id=it["id"])


def instance_profile(s: Sessao, it: Item) -> None:
    """Its roles removed first."""
    iam = s.client("iam")
    for role in it.get("roles", []):
        unless_gone(lambda role=role: iam.remove_role_from_instance_profile(InstanceProfileName=it["nome"],
                                                                             RoleName=role))
    iam.delete_instance_profile(InstanceProfileName=it["nome"])


def role(s: Sessao, it: Item) -> None:
    """Its policies (attached and inline) and instance profiles first."""
    iam = s.client("iam")
    name = it["nome"]
    for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    for profile in iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]:
        iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"], RoleName=name)
    iam.delete_role(RoleName=name)


def log_group(s: Sessao, it: Item) -> None:
    s.client("logs").delete_log_group(logGroupName=it["nome"])


def repository(s: Sessao, it: Item) -> None:
    s.client("ecr").delete_repository(repositoryName=it["nome"], force=True)
