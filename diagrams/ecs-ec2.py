"""Amazon ECS on EC2: an ALB reaches a service whose tasks run on
container instances of an Auto Scaling group, linked by a capacity provider."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import (
    EC2,
    ECR,
    ElasticContainerServiceService,
    ElasticContainerServiceTask,
)
from diagrams.aws.general import Users
from diagrams.aws.management import CloudwatchLogs
from diagrams.aws.network import ALB

from _style import CLUSTER, STYLE

grupo = "Provedor de capacidade → grupo do Auto Scaling"
instancia = "Instância de contêiner {} (EC2)"

with Diagram("ECS com EC2", filename="ecs-ec2", **STYLE):
    usuarios = Users("Usuários")
    alb = ALB("Application\nLoad Balancer")

    with Cluster("Cluster ECS", graph_attr=CLUSTER):
        servico = ElasticContainerServiceService("Serviço\n(contagem desejada: 2)")

        tarefas, agentes = [], []
        with Cluster(grupo, graph_attr=CLUSTER):
            for numero in (1, 2):
                with Cluster(instancia.format(numero), graph_attr=CLUSTER):
                    tarefa = ElasticContainerServiceTask("Tarefa")
                    agente = EC2("Agente de contêiner")
                    tarefa << Edge(label="inicia") << agente
                tarefas.append(tarefa)
                agentes.append(agente)

    ecr = ECR("Amazon ECR\n(imagens)")
    logs = CloudwatchLogs("CloudWatch Logs")

    usuarios >> alb >> Edge(label="grupo de destino") >> servico >> tarefas
    agentes << ecr
    agentes >> logs
