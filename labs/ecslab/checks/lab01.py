"""Lab 01 (rede): VPC over two AZs, public/private subnets, IGW, NAT, routes, chained security groups."""

from __future__ import annotations

from ecslab.checks import common
from ecslab.checks.framework import Check, Contexto, Falha, check, require

CHECKS: list[Check] = []


@check(CHECKS, "VPC criada com as tags do curso",
       "Crie a VPC com TagSpecifications contendo ecslab:aluno e ecslab:lab=01 (ou rode ecslab.criar_rede()).")
def vpc_tagged(ctx: Contexto) -> str:
    return common.vpc(ctx)["VpcId"]


@check(CHECKS, "Nomes DNS habilitados na VPC",
       "ec2.modify_vpc_attribute(VpcId=..., EnableDnsHostnames={'Value': True}): tarefas awsvpc precisam disso.")
def dns_hostnames(ctx: Contexto) -> str:
    vpc_id = common.vpc(ctx)["VpcId"]
    attr = ctx.client("ec2").describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    require(attr["EnableDnsHostnames"]["Value"], "enableDnsHostnames está desligado")
    return ""


@check(CHECKS, "Sub-redes em duas zonas de disponibilidade",
       "Crie uma sub-rede pública e uma privada em cada uma de duas AZs (AvailabilityZone diferente).")
def two_azs(ctx: Contexto) -> str:
    zones = sorted({s["AvailabilityZone"] for s in common.subnets(ctx)})
    require(len(zones) >= 2, f"sub-redes em {len(zones)} zona(s): {', '.join(zones) or 'nenhuma'}")
    return ", ".join(zones)


@check(CHECKS, "Duas sub-redes públicas (rota padrão para o gateway da internet), uma por AZ",
       "Associe as sub-redes públicas a uma tabela de rotas com 0.0.0.0/0 → igw-...")
def public_subnets(ctx: Contexto) -> str:
    public, _ = common.split_subnets(ctx)
    require(len(public) >= 2, f"{len(public)} sub-rede(s) pública(s)")
    zones = {s["AvailabilityZone"] for s in public}
    require(len(zones) >= 2, "as sub-redes públicas estão na mesma AZ")
    return ", ".join(s["SubnetId"] for s in public)


@check(CHECKS, "Duas sub-redes privadas (rota padrão para o gateway NAT), uma por AZ",
       "Associe as sub-redes privadas a uma tabela de rotas com 0.0.0.0/0 → nat-...")
def private_subnets(ctx: Contexto) -> str:
    _, private = common.split_subnets(ctx)
    require(len(private) >= 2, f"{len(private)} sub-rede(s) privada(s)")
    zones = {s["AvailabilityZone"] for s in private}
    require(len(zones) >= 2, "as sub-redes privadas estão na mesma AZ")
    return ", ".join(s["SubnetId"] for s in private)


@check(CHECKS, "Gateway da internet anexado à VPC", "ec2.attach_internet_gateway(InternetGatewayId=..., VpcId=...)")
def igw_attached(ctx: Contexto) -> str:
    vpc_id = common.vpc(ctx)["VpcId"]
    igws = ctx.client("ec2").describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    require(igws, "nenhum gateway da internet anexado")
    return igws[0]["InternetGatewayId"]


@check(CHECKS, "Gateway NAT disponível numa sub-rede pública",
       "Crie o NAT (com um IP elástico) numa sub-rede pública e espere o estado 'available'.")
def nat_available(ctx: Contexto) -> str:
    vpc_id = common.vpc(ctx)["VpcId"]
    public_ids = {s["SubnetId"] for s in common.split_subnets(ctx)[0]}

    def probe() -> str:
        nats = ctx.client("ec2").describe_nat_gateways(
            Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
        nats = [n for n in nats if n.get("VpcId") == vpc_id and n["State"] not in ("deleted", "deleting")]
        if not nats:
            raise Falha("nenhum gateway NAT na VPC")
        ready = [n for n in nats if n["State"] == "available"]
        if not ready:
            raise Falha(f"NAT no estado {nats[0]['State']}")
        good = [n for n in ready if n["SubnetId"] in public_ids]
        require(good, "o NAT está numa sub-rede sem rota para o gateway da internet")
        return good[0]["NatGatewayId"]
    return ctx.eventually(probe)


@check(CHECKS, "Rotas privadas saem pelo NAT", "Na tabela das sub-redes privadas: 0.0.0.0/0 → o gateway NAT.")
def private_route(ctx: Contexto) -> str:
    tables = [common.subnet_route_table(ctx, s["SubnetId"]) for s in common.subnets(ctx)]
    nat_tables = [t for t in tables if t and common.default_target(t).startswith("nat-")]
    require(nat_tables, "nenhuma tabela de rotas com 0.0.0.0/0 → nat-...")
    return nat_tables[0]["RouteTableId"]


@check(CHECKS, "Rotas públicas saem pelo gateway da internet",
       "Na tabela das sub-redes públicas: 0.0.0.0/0 → o gateway da internet.")
def public_route(ctx: Contexto) -> str:
    tables = [common.subnet_route_table(ctx, s["SubnetId"]) for s in common.subnets(ctx)]
    igw_tables = [t for t in tables if t and common.default_target(t).startswith("igw-")]
    require(igw_tables, "nenhuma tabela de rotas com 0.0.0.0/0 → igw-...")
    return igw_tables[0]["RouteTableId"]


@check(CHECKS, "O grupo do ALB aceita HTTP da internet",
       "authorize_security_group_ingress no grupo <aluno>-01-sg-alb: TCP 80 de 0.0.0.0/0.")
def alb_sg(ctx: Contexto) -> str:
    rules = common.ingress_rules(common.security_group(ctx, "sg-alb"))
    require(any(f == 80 and t == 80 and src == "0.0.0.0/0" for f, t, src in rules), "sem regra TCP 80 de 0.0.0.0/0")
    return ""


@check(CHECKS, "O grupo das tarefas só aceita a porta do contêiner, vinda do grupo do ALB",
       "No grupo <aluno>-01-sg-tarefas deixe uma única regra: a porta do contêiner com origem no grupo do ALB "
       "(UserIdGroupPairs), nenhuma faixa de IP.")
def tasks_sg(ctx: Contexto) -> str:
    alb = common.security_group(ctx, "sg-alb")["GroupId"]
    rules = common.ingress_rules(common.security_group(ctx, "sg-tarefas"))
    require(rules, "o grupo das tarefas não tem regras de entrada")
    others = [r for r in rules if r[2] != alb]
    require(not others, "há regras com outra origem: " + ", ".join(f"{f}-{t} de {src}" for f, t, src in others))
    wide = [r for r in rules if r[0] != r[1]]
    require(not wide, "a regra abre uma faixa de portas em vez da porta do contêiner")
    return f"porta {rules[0][0]} a partir de {alb}"
