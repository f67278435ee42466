"""Delete what a student created, in dependency order, from any partial state; safe to run twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecslab import naming
from ecslab.errors import ErroLab
from ecslab.inventory import inventario
from ecslab.provision.common import poll_interval, wait_until
from ecslab.session import Sessao, client_error_code, resolve

GONE = {
    "NoSuchEntity", "ClusterNotFoundException", "ServiceNotFoundException", "ServiceNotActiveException",
    "LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound", "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound", "InvalidGroup.NotFound", "InvalidInternetGatewayID.NotFound",
    "InvalidRouteTableID.NotFound", "InvalidAllocationID.NotFound", "NatGatewayNotFound",
    "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "InvalidInstanceID.NotFound",
    "ResourceNotFoundException", "RepositoryNotFoundException", "ObjectNotFoundException",
    "InvalidAssociationID.NotFound", "Gateway.NotAttached", "InvalidPermission.NotFound",
}
NETWORK_TYPES = {"vpc", "sub-rede", "gateway-internet", "tabela-de-rotas", "gateway-nat", "ip-elastico"}


class Limpeza:
    def __init__(self, s: Sessao, lab: str | None):
        self.s = s
        self.lab = lab
        self.removed: list[str] = []
        self.problems: list[str] = []

    def call(self, label: str, fn: Callable[[], Any], *retry_codes: str, record: bool = True) -> bool:
        """Run one delete; 'already gone' counts as done; retry while a dependency is still going away."""
        def attempt() -> bool:
            try:
                fn()
                return True
            except Exception as exc:
                code = client_error_code(exc)
                if code in GONE:
                    return True
                if code in retry_codes:
                    return False
                raise
        try:
            if wait_until(attempt, timeout=self.s.backend.timings.cleanup, interval=poll_interval(self.s)):
                if record:
                    self.removed.append(label)
                return True
            self.problems.append(f"{label}: ainda em uso depois da espera")
        except Exception as exc:
            self.problems.append(f"{label}: {client_error_code(exc) or exc.__class__.__name__}: {exc}")
        return False


def _by_type(inv: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for items in inv.values():
        for item in items:
            out.setdefault(item["tipo"], []).append(item)
    return out


def _check_network_users(s: Sessao, lab: str | None) -> None:
    """Cleaning only lab 01 (the network) while later labs still use it would leave them broken."""
    if lab != "01":
        return
    others = sorted({it["lab"] for items in inventario(sessao=s).values() for it in items
                     if it.get("lab") and it["lab"] != "01"})
    if others:
        raise ErroLab(
            f"A rede do laboratório 01 ainda é usada pelos laboratórios {', '.join(others)}; nada foi removido.",
            dica=f"Limpe-os antes (ecslab limpar --lab {others[0]}) ou limpe tudo de uma vez com `ecslab limpar`.",
        )


def limpar(lab: str | None = None, *, sessao: Sessao | None = None, verbose: bool = False) -> list[str]:
    """Delete this student's resources (all labs, or one). Returns the labels removed; raises ErroLab if
    something could not be removed, saying what is left."""
    s = resolve(sessao)
    lab_id = naming.lab_id(lab) if lab is not None else None
    _check_network_users(s, lab_id)
    job = Limpeza(s, lab_id)
    inv = _by_type(inventario(lab_id, sessao=s))
    ecs = s.client("ecs")
    ec2 = s.client("ec2")
    elb = s.client("elbv2")
    iam = s.client("iam")

    # 1. Auto scaling of services and alarms (lab 05).
    aas = s.client("application-autoscaling")
    for it in inv.get("destino-escalavel", []):
        job.call(f"destino escalável {it['id']}", lambda it=it: aas.deregister_scalable_target(
            ServiceNamespace="ecs", ResourceId=it["id"], ScalableDimension=it["dimensao"]))
    alarms = [it["nome"] for it in inv.get("alarme", [])]
    if alarms:
        job.call(f"alarmes {', '.join(alarms)}", lambda: s.client("cloudwatch").delete_alarms(AlarmNames=alarms))

    # 2. Services (scale to zero, then delete), tasks, container instances.
    for it in inv.get("servico", []):
        def drop_service(it: dict[str, Any] = it) -> None:
            ecs.update_service(cluster=it["cluster"], service=it["id"], desiredCount=0)
            ecs.delete_service(cluster=it["cluster"], service=it["id"], force=True)
        job.call(f"serviço {it['nome']}", drop_service)
    for it in inv.get("tarefa", []):
        job.call(f"tarefa {it['nome']}", lambda it=it: ecs.stop_task(
            cluster=it["cluster"], task=it["id"], reason="ecslab limpar"), "InvalidParameterException")
    for it in inv.get("instancia-de-conteiner", []):
        job.call(f"instância de contêiner {it['nome']}", lambda it=it: ecs.deregister_container_instance(
            cluster=it["cluster"], containerInstance=it["id"], force=True))

    # 3. Auto Scaling groups (they would relaunch instances), then leftover instances.
    autoscaling = s.client("autoscaling")
    for it in inv.get("grupo-auto-scaling", []):
        job.call(f"grupo Auto Scaling {it['nome']}", lambda it=it: autoscaling.delete_auto_scaling_group(
            AutoScalingGroupName=it["nome"], ForceDelete=True), "ScalingActivityInProgress", "ResourceInUse")
    settle = s.backend.timings
    if inv.get("grupo-auto-scaling") and settle.deletions:
        names = [it["nome"] for it in inv["grupo-auto-scaling"]]
        wait_until(lambda: not autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=names)[
            "AutoScalingGroups"], timeout=settle.deletions, interval=settle.deletion_poll)
    instances = [it["id"] for it in inv.get("instancia", [])]
    if instances:
        job.call(f"instâncias {', '.join(instances)}", lambda: ec2.terminate_instances(InstanceIds=instances))

    # 4. Clusters (after detaching capacity providers), capacity providers, task definitions.
    for it in inv.get("cluster", []):
        def drop_cluster(it: dict[str, Any] = it) -> None:
            ecs.put_cluster_capacity_providers(cluster=it["id"], capacityProviders=[],
                                               defaultCapacityProviderStrategy=[])
            ecs.delete_cluster(cluster=it["id"])
        job.call(f"cluster {it['nome']}", drop_cluster, "ClusterContainsServicesException",
                 "ClusterContainsTasksException", "ClusterContainsContainerInstancesException",
                 "UpdateInProgressException", "ResourceInUseException")
    for it in inv.get("provedor-de-capacidade", []):
        job.call(f"provedor de capacidade {it['nome']}",
                 lambda it=it: ecs.delete_capacity_provider(capacityProvider=it["nome"]), "ResourceInUseException",
                 "UpdateInProgressException")
    task_defs = [it["id"] for it in inv.get("definicao-de-tarefa", [])]
    for arn in task_defs:
        job.call(f"definição de tarefa {arn.rsplit('/', 1)[-1]}",
                 lambda arn=arn: ecs.deregister_task_definition(taskDefinition=arn))
    for start in range(0, len(task_defs), 10):
        chunk = task_defs[start:start + 10]
        try:
            ecs.delete_task_definitions(taskDefinitions=chunk)
        except Exception as exc:  # deregistered is enough; deletion is tidy-up
            if verbose:
                job.problems.append(f"delete_task_definitions: {exc}")

    # 5. Load balancers (listeners go with them), then target groups.
    for it in inv.get("load-balancer", []):
        def drop_lb(it: dict[str, Any] = it) -> None:
            for lst in elb.describe_listeners(LoadBalancerArn=it["id"])["Listeners"]:
                elb.delete_listener(ListenerArn=lst["ListenerArn"])
            elb.delete_load_balancer(LoadBalancerArn=it["id"])
        job.call(f"load balancer {it['nome']}", drop_lb)
    for it in inv.get("grupo-de-destino", []):
        job.call(f"grupo de destino {it['nome']}", lambda it=it: elb.delete_target_group(TargetGroupArn=it["id"]),
                 "ResourceInUse")

    # 6. Launch templates; NAT gateways then their Elastic IPs.
    for it in inv.get("modelo-de-execucao", []):
        job.call(f"modelo de execução {it['nome']}",
                 lambda it=it: ec2.delete_launch_template(LaunchTemplateId=it["id"]))
    for it in inv.get("gateway-nat", []):
        job.call(f"gateway NAT {it['nome']}", lambda it=it: ec2.delete_nat_gateway(NatGatewayId=it["id"]))
    nat_ids = [it["id"] for it in inv.get("gateway-nat", [])]
    if nat_ids and settle.deletions:
        wait_until(lambda: all(n["State"] == "deleted" for n in ec2.describe_nat_gateways(
            NatGatewayIds=nat_ids)["NatGateways"]), timeout=settle.deletions, interval=settle.deletion_poll)
    for it in inv.get("ip-elastico", []):
        job.call(f"IP elástico {it['nome'] or it['id']}", lambda it=it: ec2.release_address(AllocationId=it["id"]),
                 "InvalidIPAddress.InUse", "AuthFailure")

    # 7. Security groups: drop rules that reference other groups first (chained ALB → tasks), then the groups.
    groups = inv.get("grupo-de-seguranca", [])
    for it in groups:
        def revoke(it: dict[str, Any] = it) -> None:
            sg = ec2.describe_security_groups(GroupIds=[it["id"]])["SecurityGroups"][0]
            refs = [p for p in sg.get("IpPermissions", []) if p.get("UserIdGroupPairs")]
            if refs:
                ec2.revoke_security_group_ingress(GroupId=it["id"], IpPermissions=refs)
        job.call(f"regras do grupo {it['nome']}", revoke, record=False)
    for it in groups:
        job.call(f"grupo de segurança {it['nome']}", lambda it=it: ec2.delete_security_group(GroupId=it["id"]),
                 "DependencyViolation", "InvalidGroup.InUse")

    # 8. Internet gateways, route tables, subnets, VPCs.
    for it in inv.get("gateway-internet", []):
        def drop_igw(it: dict[str, Any] = it) -> None:
            for vpc_id in it.get("vpcs", []):
                try:
                    ec2.detach_internet_gateway(InternetGatewayId=it["id"], VpcId=vpc_id)
                except Exception as exc:
                    if client_error_code(exc) not in GONE:
                        raise
            ec2.delete_internet_gateway(InternetGatewayId=it["id"])
        job.call(f"gateway da internet {it['nome']}", drop_igw, "DependencyViolation")
    for it in inv.get("tabela-de-rotas", []):
        def drop_rt(it: dict[str, Any] = it) -> None:
            rt = ec2.describe_route_tables(RouteTableIds=[it["id"]])["RouteTables"][0]
            for assoc in rt.get("Associations", []):
                if not assoc.get("Main"):
                    ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
            ec2.delete_route_table(RouteTableId=it["id"])
        job.call(f"tabela de rotas {it['nome']}", drop_rt, "DependencyViolation")
    for it in inv.get("sub-rede", []):
        job.call(f"sub-rede {it['nome']}", lambda it=it: ec2.delete_subnet(SubnetId=it["id"]), "DependencyViolation")
    for it in inv.get("vpc", []):
        job.call(f"VPC {it['nome']}", lambda it=it: ec2.delete_vpc(VpcId=it["id"]), "DependencyViolation")

    # 9. AWS FIS experiment templates (`ecslab simular` on AWS, if it was killed before deleting its own),
    #    then IAM: instance profiles, then roles (policies detached first).
    for it in inv.get("modelo-de-experimento-fis", []):
        job.call(f"modelo de experimento do AWS FIS {it['id']}",
                 lambda it=it: s.client("fis").delete_experiment_template(id=it["id"]))
    for it in inv.get("perfil-de-instancia", []):
        def drop_profile(it: dict[str, Any] = it) -> None:
            for role in it.get("roles", []):
                try:
                    iam.remove_role_from_instance_profile(InstanceProfileName=it["nome"], RoleName=role)
                except Exception as exc:
                    if client_error_code(exc) not in GONE:
                        raise
            iam.delete_instance_profile(InstanceProfileName=it["nome"])
        job.call(f"perfil de instância {it['nome']}", drop_profile)
    for it in inv.get("perfil-iam", []):
        def drop_role(it: dict[str, Any] = it) -> None:
            for policy in iam.list_attached_role_policies(RoleName=it["nome"])["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=it["nome"], PolicyArn=policy["PolicyArn"])
            for policy_name in iam.list_role_policies(RoleName=it["nome"])["PolicyNames"]:
                iam.delete_role_policy(RoleName=it["nome"], PolicyName=policy_name)
            for profile in iam.list_instance_profiles_for_role(RoleName=it["nome"])["InstanceProfiles"]:
                iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"],
                                                      RoleName=it["nome"])
            iam.delete_role(RoleName=it["nome"])
        job.call(f"perfil IAM {it['nome']}", drop_role, "DeleteConflict")

    # 10. Logs and ECR.
    for it in inv.get("grupo-de-logs", []):
        job.call(f"grupo de logs {it['nome']}", lambda it=it: s.client("logs").delete_log_group(
            logGroupName=it["nome"]))
    for it in inv.get("repositorio-ecr", []):
        job.call(f"repositório ECR {it['nome']}", lambda it=it: s.client("ecr").delete_repository(
            repositoryName=it["nome"], force=True))

    if job.problems:
        raise ErroLab(
            "A limpeza não conseguiu remover tudo:\n  - " + "\n  - ".join(job.problems),
            dica="Rode `ecslab limpar` de novo em alguns minutos (algumas remoções levam tempo na AWS); "
            "`ecslab inventario` mostra o que sobrou.",
        )
    return job.removed
