"""Recommended network for ECS: ALB in public subnets, tasks in private subnets,
two AZs, one NAT gateway, security groups chained from the ALB to the tasks."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ElasticContainerServiceTask
from diagrams.aws.general import Users
from diagrams.aws.network import ALB, Endpoint, InternetGateway, NATGateway

from _style import CLUSTER, STYLE

publica = "Sub-rede pública {}\nrota 0.0.0.0/0 → gateway da internet"
privada = "Sub-rede privada {}\nrota 0.0.0.0/0 → gateway NAT"

with Diagram("Estrutura de rede recomendada", filename="rede-recomendada", **STYLE):
    internet = Users("Internet")

    with Cluster("VPC 10.0.0.0/16", graph_attr=CLUSTER):
        igw = InternetGateway("Gateway da internet")
        albs, tarefas = [], []
        for zona in ("A", "B"):
            with Cluster(f"Zona de disponibilidade {zona}", graph_attr=CLUSTER):
                with Cluster(publica.format(zona), graph_attr=CLUSTER):
                    if zona == "A":
                        nat = NATGateway("Gateway NAT\n(em produção, um por AZ)")
                    albs.append(ALB("ALB (SG do ALB)"))
                with Cluster(privada.format(zona), graph_attr=CLUSTER):
                    tarefas.append(ElasticContainerServiceTask("Tarefa (SG das tarefas)"))
        endpoints = Endpoint(
            "Endpoints da VPC\nECR, S3, CloudWatch Logs\n(alternativa à NAT)",
        )

    internet >> Edge(label="HTTPS 443") >> igw >> albs
    for alb, tarefa in zip(albs, tarefas, strict=True):
        alb >> Edge(label="porta 8080, só do SG do ALB") >> tarefa
    igw << nat << tarefas
    tarefas >> Edge(style="dashed") >> endpoints
