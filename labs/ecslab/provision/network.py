"""The lab network: a VPC over two AZs, public and private subnets, IGW, one NAT, routes, chained SGs."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ecslab import costs, naming
from ecslab.errors import ErroLab
from ecslab.provision.common import ec2_find, ignore_codes, poll_interval, tag_spec, wait_until
from ecslab.provision.one_at_a_time import one_at_a_time
from ecslab.session import Sessao, resolve

DEFAULT_CIDR = "10.0.0.0/16"
DEFAULT_CONTAINER_PORT = 80


@dataclass
class Rede:
    lab: str
    vpc_id: str
    zonas: list[str]
    subnets_publicas: list[str]
    subnets_privadas: list[str]
    igw_id: str
    nat_id: str
    eip_alocacao: str
    rota_publica: str
    rota_privada: str
    sg_alb: str
    sg_tarefas: str
    porta_container: int
    extras: dict[str, str] = field(default_factory=dict)


def _check_cidr(cidr: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.IPv4Network(cidr)
    except ValueError:
        raise ErroLab(f"CIDR inválido: {cidr!r}.", dica="Use um bloco como '10.0.0.0/16'.") from None
    if not 16 <= net.prefixlen <= 20:
        raise ErroLab(
            f"O bloco {cidr} tem /{net.prefixlen}; a rede do laboratório precisa de um bloco entre /16 e /20.",
            dica="Use por exemplo '10.0.0.0/16'.",
        )
    return net


def _check_port(port: int) -> int:
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise ErroLab(f"Porta do contêiner inválida: {port!r}.", dica="Use um número entre 1 e 65535, como 80.")
    return port


def _subnet_cidrs(net: ipaddress.IPv4Network) -> list[str]:
    """Four /24-ish blocks (two public, two private) from the VPC block."""
    subnets = list(net.subnets(new_prefix=min(net.prefixlen + 4, 28)))
    return [str(subnets[i]) for i in (0, 1, 8, 9)]


def _ensure_vpc(s: Sessao, lab: str, cidr: str) -> str:
    ec2 = s.client("ec2")
    vpc_name = naming.name(s.aluno, lab, "vpc")
    found = ec2_find(s, "vpc", lab, vpc_name)
    if found:
        vpc_id = found[0]["VpcId"]
    else:
        vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tag_spec(s, lab, "vpc", vpc_name))["Vpc"]["VpcId"]
    # DNS hostnames on: Fargate/awsvpc tasks need them (and moto crashes without them).
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def _ensure_subnet(s: Sessao, lab: str, vpc_id: str, suffix: str, cidr: str, az: str, public: bool) -> str:
    ec2 = s.client("ec2")
    subnet_name = naming.name(s.aluno, lab, suffix)
    found = ec2_find(s, "subnet", lab, subnet_name, [{"Name": "vpc-id", "Values": [vpc_id]}])
    if found:
        subnet_id = found[0]["SubnetId"]
    else:
        spec = tag_spec(s, lab, "subnet", subnet_name)
        spec[0]["Tags"].append({"Key": "ecslab:tipo", "Value": "publica" if public else "privada"})
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az, TagSpecifications=spec)[
            "Subnet"
        ]["SubnetId"]
    if public:
        ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})
    return subnet_id


def _ensure_igw(s: Sessao, lab: str, vpc_id: str) -> str:
    ec2 = s.client("ec2")
    igw_name = naming.name(s.aluno, lab, "igw")
    found = ec2_find(s, "igw", lab, igw_name)
    if found:
        igw = found[0]
    else:
        igw = ec2.create_internet_gateway(TagSpecifications=tag_spec(s, lab, "internet-gateway", igw_name))[
            "InternetGateway"
        ]
    if not any(a.get("VpcId") == vpc_id for a in igw.get("Attachments", [])):
        ec2.attach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
    return igw["InternetGatewayId"]


def _ensure_nat(s: Sessao, lab: str, subnet_id: str) -> tuple[str, str]:
    ec2 = s.client("ec2")
    nat_name = naming.name(s.aluno, lab, "nat")
    found = ec2_find(s, "nat", lab, nat_name)
    if found:
        nat = found[0]
        alloc = nat["NatGatewayAddresses"][0]["AllocationId"] if nat.get("NatGatewayAddresses") else ""
    else:
        s.announce_costs(costs.describe([
            (costs.LABELS["nat"], 1, costs.HOURLY_USD["nat"]),
            (costs.LABELS["ipv4"], 1, costs.HOURLY_USD["ipv4"]),
        ]))
        eip_name = naming.name(s.aluno, lab, "eip-nat")
        eips = ec2_find(s, "eip", lab, eip_name)
        free = [e for e in eips if not e.get("AssociationId")]
        if eips and not free and s.backend.timings.deletions:
            # A NAT being deleted still holds its address for a minute or so: wait for it rather than leak one.
            def released() -> bool:
                return any(not e.get("AssociationId") for e in ec2_find(s, "eip", lab, eip_name))
            if wait_until(released, timeout=180, interval=s.backend.timings.deletion_poll):
                free = [e for e in ec2_find(s, "eip", lab, eip_name) if not e.get("AssociationId")]
        if free:
            alloc = free[0]["AllocationId"]
        else:
            alloc = ec2.allocate_address(Domain="vpc", TagSpecifications=tag_spec(s, lab, "elastic-ip", eip_name))[
                "AllocationId"
            ]
        nat = ec2.create_nat_gateway(
            SubnetId=subnet_id, AllocationId=alloc, TagSpecifications=tag_spec(s, lab, "natgateway", nat_name)
        )["NatGateway"]
    nat_id = nat["NatGatewayId"]

    def available() -> bool:
        state = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"]
        if state == "failed":
            raise ErroLab(f"O gateway NAT {nat_id} falhou ao ser criado.", dica="Rode `ecslab limpar` e tente de novo.")
        return state == "available"

    if not wait_until(available, timeout=600, interval=poll_interval(s)):
        raise ErroLab(f"O gateway NAT {nat_id} não ficou disponível em 10 minutos.", dica="Rode a célula de novo.")
    return nat_id, alloc


def _ensure_route_table(
    s: Sessao, lab: str, vpc_id: str, suffix: str, target: dict[str, str], subnets: list[str]
) -> str:
    ec2 = s.client("ec2")
    rt_name = naming.name(s.aluno, lab, suffix)
    found = ec2_find(s, "rt", lab, rt_name, [{"Name": "vpc-id", "Values": [vpc_id]}])
    rt = found[0] if found else ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=tag_spec(s, lab, "route-table", rt_name)
    )["RouteTable"]
    rt_id = rt["RouteTableId"]
    default = [r for r in rt.get("Routes", []) if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    key, value = next(iter(target.items()))
    if not default:
        ec2.create_route(RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0", **{key: value})
    elif default[0].get(key) != value:
        ec2.replace_route(RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0", **{key: value})
    associated = {a.get("SubnetId") for a in rt.get("Associations", [])}
    for subnet_id in subnets:
        if subnet_id not in associated:
            current = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
            for other in current["RouteTables"]:
                for assoc in other.get("Associations", []):
                    if assoc.get("SubnetId") == subnet_id and not assoc.get("Main"):
                        ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
            ec2.associate_route_table(RouteTableId=rt_id, SubnetId=subnet_id)
    return rt_id


def ensure_security_group(s: Sessao, lab: str, vpc_id: str, suffix: str, description: str) -> str:
    """Get or create a tagged security group. AWS accepts only ASCII in group and rule descriptions, so those
    stay without accents."""
    ec2 = s.client("ec2")
    sg_name = naming.name(s.aluno, lab, suffix)
    found = ec2_find(s, "sg", lab, sg_name, [{"Name": "vpc-id", "Values": [vpc_id]}])
    if found:
        return found[0]["GroupId"]
    return ec2.create_security_group(
        GroupName=sg_name, Description=description, VpcId=vpc_id,
        TagSpecifications=tag_spec(s, lab, "security-group", sg_name),
    )["GroupId"]


def allow_ingress(s: Sessao, sg_id: str, from_port: int, to_port: int, *, cidr: str | None = None,
                  source_sg: str | None = None, description: str = "") -> None:
    permission: dict = {"IpProtocol": "tcp", "FromPort": from_port, "ToPort": to_port}
    if cidr:
        permission["IpRanges"] = [{"CidrIp": cidr, "Description": description}]
    if source_sg:
        permission["UserIdGroupPairs"] = [{"GroupId": source_sg, "Description": description}]
    current = s.client("ec2").describe_security_groups(GroupIds=[sg_id])["SecurityGroups"][0]["IpPermissions"]
    for rule in current:
        if rule.get("FromPort") == from_port and rule.get("ToPort") == to_port and rule.get("IpProtocol") == "tcp":
            if cidr and any(r.get("CidrIp") == cidr for r in rule.get("IpRanges", [])):
                return
            if source_sg and any(p.get("GroupId") == source_sg for p in rule.get("UserIdGroupPairs", [])):
                return
    ignore_codes(
        lambda: s.client("ec2").authorize_security_group_ingress(GroupId=sg_id, IpPermissions=[permission]),
        "InvalidPermission.Duplicate",
    )


@one_at_a_time
def criar_rede(lab: str = "01", *, cidr: str = DEFAULT_CIDR, porta_container: int = DEFAULT_CONTAINER_PORT,
               sessao: Sessao | None = None) -> Rede:
    """Create (or complete) the lab network and return its ids. Running it twice changes nothing."""
    lab = naming.lab_id(lab)
    net = _check_cidr(cidr)
    port = _check_port(porta_container)
    s = resolve(sessao)
    s.ensure_may_create()
    ec2 = s.client("ec2")
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones(
        Filters=[{"Name": "state", "Values": ["available"]}])["AvailabilityZones"]
        if z.get("ZoneType", "availability-zone") == "availability-zone"][:2]
    if len(zones) < 2:
        raise ErroLab(f"A região {s.regiao} tem menos de duas zonas de disponibilidade.", dica="Use us-east-1.")
    vpc_id = _ensure_vpc(s, lab, str(net))
    cidrs = _subnet_cidrs(net)
    public = [_ensure_subnet(s, lab, vpc_id, f"publica-{i + 1}", cidrs[i], zones[i], True) for i in range(2)]
    private = [_ensure_subnet(s, lab, vpc_id, f"privada-{i + 1}", cidrs[2 + i], zones[i], False) for i in range(2)]
    igw_id = _ensure_igw(s, lab, vpc_id)
    nat_id, alloc = _ensure_nat(s, lab, public[0])
    rt_public = _ensure_route_table(s, lab, vpc_id, "rotas-publicas", {"GatewayId": igw_id}, public)
    rt_private = _ensure_route_table(s, lab, vpc_id, "rotas-privadas", {"NatGatewayId": nat_id}, private)
    sg_alb = ensure_security_group(s, lab, vpc_id, "sg-alb", "ALB: HTTP da internet")
    sg_tasks = ensure_security_group(s, lab, vpc_id, "sg-tarefas", "Tarefas: so a porta do conteiner, vinda do ALB")
    allow_ingress(s, sg_alb, 80, 80, cidr="0.0.0.0/0", description="HTTP")
    allow_ingress(s, sg_tasks, port, port, source_sg=sg_alb, description="do ALB")
    return Rede(lab, vpc_id, zones, public, private, igw_id, nat_id, alloc, rt_public, rt_private, sg_alb, sg_tasks,
                port)


def obter_rede(lab: str = "01", *, sessao: Sessao | None = None) -> Rede | None:
    """The lab network if it exists (read-only: no call creates anything)."""
    lab = naming.lab_id(lab)
    s = resolve(sessao)
    vpcs = ec2_find(s, "vpc", lab, naming.name(s.aluno, lab, "vpc"))
    if not vpcs:
        return None
    vpc_id = vpcs[0]["VpcId"]

    def one(kind: str, suffix: str, key: str) -> str:
        found = ec2_find(s, kind, lab, naming.name(s.aluno, lab, suffix))
        return found[0][key] if found else ""

    nat = ec2_find(s, "nat", lab, naming.name(s.aluno, lab, "nat"))
    sg_alb = one("sg", "sg-alb", "GroupId")
    sg_tasks = one("sg", "sg-tarefas", "GroupId")
    port = DEFAULT_CONTAINER_PORT
    if sg_tasks:
        rules = s.client("ec2").describe_security_groups(GroupIds=[sg_tasks])["SecurityGroups"][0]["IpPermissions"]
        if rules:
            port = rules[0].get("FromPort", port)
    subnets = [one("subnet", f"publica-{i}", "SubnetId") for i in (1, 2)]
    private = [one("subnet", f"privada-{i}", "SubnetId") for i in (1, 2)]
    zones = [z["ZoneName"] for z in s.client("ec2").describe_availability_zones()["AvailabilityZones"]][:2]
    alloc = ""
    if nat and nat[0].get("NatGatewayAddresses"):
        alloc = nat[0]["NatGatewayAddresses"][0].get("AllocationId", "")
    return Rede(
        lab, vpc_id, zones, [x for x in subnets if x], [x for x in private if x],
        one("igw", "igw", "InternetGatewayId"), nat[0]["NatGatewayId"] if nat else "", alloc,
        one("rt", "rotas-publicas", "RouteTableId"), one("rt", "rotas-privadas", "RouteTableId"),
        sg_alb, sg_tasks, port,
    )
