"""Estimated hourly cost of what a lab is about to create on real AWS (us-east-1 on-demand list prices)."""

from __future__ import annotations

from collections.abc import Iterable

PRICES_DATE = "2025-06-01"
PRICES_REGION = "us-east-1"

# USD per hour, on-demand list prices for us-east-1 as published by AWS on PRICES_DATE.
HOURLY_USD = {
    "nat": 0.045,            # NAT gateway, per hour (plus USD 0.045 per GB processed)
    "ipv4": 0.005,           # public IPv4 address (Elastic IP, ALB node), per hour
    "alb": 0.0225,           # Application Load Balancer, per hour (plus LCU)
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "fargate_vcpu": 0.04048,   # per vCPU-hour (Linux/x86)
    "fargate_gb": 0.004445,    # per GB-hour
}
FARGATE_SPOT_DISCOUNT = 0.70   # "up to 70%": an optimistic estimate
EC2_SPOT_DISCOUNT = 0.60

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
