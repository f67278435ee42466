"""Spot in ECS: a FARGATE + FARGATE_SPOT capacity provider strategy, and an
Auto Scaling group of EC2 Spot instances where one instance is draining."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import (
    EC2AutoScaling,
    EC2SpotInstance,
    ElasticContainerServiceService,
    Fargate,
)

from _style import CLUSTER, STYLE

titulo = "Spot no ECS: FARGATE_SPOT e instâncias EC2 Spot"
estrategia = "Estratégia: FARGATE base 1, peso 1 · FARGATE_SPOT peso 3"
rodape = {**CLUSTER, "labelloc": "b"}  # group titles below the nodes, away from arrows

with Diagram(titulo, filename="ecs-spot", direction="TB", **STYLE):
    # Desired count 5: the base puts 1 task on FARGATE, the other 4 are split 1:3.
    with Cluster(estrategia, graph_attr=CLUSTER):
        servico = ElasticContainerServiceService("Serviço: 5 tarefas")
        with Cluster("FARGATE (sob demanda): 2 tarefas", graph_attr=rodape):
            sob_demanda = [Fargate("Tarefa (base)"), Fargate("Tarefa (peso 1)")]
        with Cluster("FARGATE_SPOT: 3 tarefas", graph_attr=rodape):
            spot = [Fargate("Tarefa (peso 3)") for _ in range(3)]
        servico >> sob_demanda
        servico >> Edge(style="dashed") >> spot

    with Cluster("EC2 Spot: vários tipos de instância, duas AZs", graph_attr=CLUSTER):
        provedor = EC2AutoScaling("Provedor de capacidade\n(grupo do Auto Scaling Spot)")
        with Cluster("Instâncias de contêiner Spot", graph_attr=rodape):
            ativa = EC2SpotInstance("m5.large · AZ a\nACTIVE")
            drenando = EC2SpotInstance("m6i.large · AZ b\nDRAINING")
        provedor >> [ativa, drenando]
        # constraint="false": draw the arrow without moving the two instances.
        recolocar = Edge(
            label="aviso de 2 min:\ntarefas recolocadas",
            style="dashed",
            constraint="false",
        )
        drenando >> recolocar >> ativa
