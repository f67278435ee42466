"""Estimated hourly cost of what a lab is about to create on real AWS (us-east-1 on-demand list prices)."""

from __future__ import annotations

from collections.abc import Iterable

PRICES_DATE = "2025-06-01"
PRICES_REGION = "us-east-1"
PRICES_SOURCES = {
    "ec2": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "fargate": "https://aws.amazon.com/fargate/pricing/",
    "vpc": "https://aws.amazon.com/vpc/pricing/",
    "elb": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "spot": "https://aws.amazon.com/ec2/spot/pricing/",
}
HOURS_PER_MONTH = 730  # AWS's own convention in the pricing calculator

# USD per hour, on-demand list prices for us-east-1 as published by AWS on PRICES_DATE.
HOURLY_USD = {
    "nat": 0.045,            # NAT gateway, per hour (plus USD 0.045 per GB processed)
    "ipv4": 0.005,           # public IPv4 address (Elastic IP, ALB node), per hour
    "alb": 0.0225,           # Application Load Balancer, per hour (plus LCU)
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t3.xlarge": 0.1664,
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m5.2xlarge": 0.384,
    "fargate_vcpu": 0.04048,   # per vCPU-hour (Linux/x86)
    "fargate_gb": 0.004445,    # per GB-hour
}
FARGATE_SPOT_DISCOUNT = 0.70   # "up to 70%": an optimistic estimate
EC2_SPOT_DISCOUNT = 0.60

# (vCPU, memory GiB) of the instance types above, for fitting tasks onto instances.
INSTANCE_SPECS = {
    "t3.micro": (2, 1), "t3.small": (2, 2), "t3.medium": (2, 4), "t3.large": (2, 8), "t3.xlarge": (4, 16),
    "c5.large": (2, 4), "c5.xlarge": (4, 8), "m5.large": (2, 8), "m5.xlarge": (4, 16), "m5.2xlarge": (8, 32),
}
# What the ECS agent and the OS keep for themselves on each instance (a conservative estimate).
INSTANCE_RESERVED_MIB = 256

LABELS = {
    "nat": "gateway NAT",
    "ipv4": "endereço IPv4 público",
    "alb": "Application Load Balancer",
}


def fargate_hourly(cpu: int, memory_mib: int, *, spot: bool = False) -> float:
    price = cpu / 1024 * HOURLY_USD["fargate_vcpu"] + memory_mib / 1024 * HOURLY_USD["fargate_gb"]
    return price * (1 - FARGATE_SPOT_DISCOUNT) if spot else price


def instance_hourly(instance_type: str, *, spot: bool = False) -> float:
    price = HOURLY_USD.get(instance_type, HOURLY_USD["t3.small"])
    return price * (1 - EC2_SPOT_DISCOUNT) if spot else price


def describe(items: Iterable[tuple[str, int, float]]) -> str:
    """items: (description, quantity, unit price per hour). Returns a pt-BR table with the total."""
    rows = []
    total = 0.0
    for label, quantity, unit in items:
        cost = quantity * unit
        total += cost
        rows.append(f"  {quantity} × {label}: US$ {cost:.4f}/h")
    rows.append(f"  Total estimado: US$ {total:.4f}/h (cerca de US$ {total * 24:.2f} por dia)")
    header = (
        f"💰 Custo estimado do que vai ser criado na AWS (preços de tabela {PRICES_REGION} "
        f"de {PRICES_DATE}; podem ter mudado):"
    )
    return "\n".join([header, *rows])


def monthly(hourly_usd: float, hours: float = HOURS_PER_MONTH) -> float:
    return hourly_usd * hours


def tasks_per_instance(instance_type: str, cpu: int, memory_mib: int) -> int:
    """How many tasks of this size fit on one instance (CPU units and registered memory)."""
    if instance_type not in INSTANCE_SPECS:
        from ecslab.errors import ErroLab

        raise ErroLab(f"Tipo de instância sem preço na tabela: {instance_type!r}.",
                      dica="Use um destes: " + ", ".join(INSTANCE_SPECS) + ".")
    vcpu, gib = INSTANCE_SPECS[instance_type]
    by_cpu = vcpu * 1024 // max(cpu, 1)
    by_memory = (gib * 1024 - INSTANCE_RESERVED_MIB) // max(memory_mib, 1)
    return int(min(by_cpu, by_memory))


def price_table() -> list[tuple[str, str]]:
    """(item, price) rows of the whole table, for a notebook to show."""
    rows = [(f"instância {name} ({INSTANCE_SPECS[name][0]} vCPU, {INSTANCE_SPECS[name][1]} GiB)",
             f"{usd(HOURLY_USD[name], 4)}/h") for name in INSTANCE_SPECS]
    rows += [
        ("Fargate, por vCPU", f"{usd(HOURLY_USD['fargate_vcpu'], 5)}/h"),
        ("Fargate, por GB de memória", f"{usd(HOURLY_USD['fargate_gb'], 6)}/h"),
        ("desconto estimado do Fargate Spot", f"{FARGATE_SPOT_DISCOUNT:.0%}"),
        ("desconto estimado do EC2 Spot", f"{EC2_SPOT_DISCOUNT:.0%}"),
        (LABELS["nat"], f"{usd(HOURLY_USD['nat'], 3)}/h"),
        (LABELS["alb"], f"{usd(HOURLY_USD['alb'], 4)}/h"),
        (LABELS["ipv4"], f"{usd(HOURLY_USD['ipv4'], 3)}/h"),
    ]
    return rows


def workload_monthly_usd(cpu: int, memory_mib: int, tasks: int, instance_type: str,
                         hours: float = HOURS_PER_MONTH) -> dict[str, float]:
    """Monthly compute cost of `tasks` tasks of one size on each option (compute only: no ALB, NAT, data)."""
    fit = tasks_per_instance(instance_type, cpu, memory_mib)
    if fit < 1:
        from ecslab.errors import ErroLab

        raise ErroLab(f"Uma tarefa de {cpu} CPU / {memory_mib} MiB não cabe numa {instance_type}.",
                      dica="Escolha um tipo de instância maior.")
    instances = -(-tasks // fit)
    return {
        "ec2": monthly(instances * instance_hourly(instance_type), hours),
        "ec2-spot": monthly(instances * instance_hourly(instance_type, spot=True), hours),
        "fargate": monthly(tasks * fargate_hourly(cpu, memory_mib), hours),
        "fargate-spot": monthly(tasks * fargate_hourly(cpu, memory_mib, spot=True), hours),
    }


def numero(value: float, casas: int = 2) -> str:
    """A number written the Brazilian way: 1.234,56."""
    text = f"{value:,.{casas}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def usd(value: float, casas: int = 2) -> str:
    return f"US$ {numero(value, casas)}"
