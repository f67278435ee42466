"""Amazon ECS on Fargate: each task has its own network interface in a private
subnet of your VPC, and reaches ECR and CloudWatch Logs through a NAT gateway."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECR, ElasticContainerServiceService, Fargate
from diagrams.aws.general import Users
from diagrams.aws.management import CloudwatchLogs
from diagrams.aws.network import ALB, NATGateway

from _style import CLUSTER, STYLE

with Diagram("ECS com Fargate", filename="ecs-fargate", **STYLE):
    usuarios = Users("Usuários")

    with Cluster("VPC", graph_attr=CLUSTER):
        with Cluster("Sub-redes públicas", graph_attr=CLUSTER):
            alb = ALB("Application\nLoad Balancer")

        with Cluster("Cluster ECS (sem instâncias para gerenciar)", graph_attr=CLUSTER):
            servico = ElasticContainerServiceService("Serviço\n(contagem desejada: 2)")
            tarefas = []
            for zona, ip in (("A", "10.0.11.25"), ("B", "10.0.12.40")):
                with Cluster(f"Sub-rede privada {zona}", graph_attr=CLUSTER):
                    tarefas.append(Fargate(f"Tarefa Fargate\nENI própria: {ip}"))

        nat = NATGateway("Gateway NAT\n(ou endpoints da VPC)")

    ecr = ECR("Amazon ECR\n(imagens)")
    logs = CloudwatchLogs("CloudWatch Logs")

    usuarios >> alb >> Edge(label="grupo de destino") >> servico >> tarefas
    tarefas >> nat
    nat << ecr
    nat >> logs
