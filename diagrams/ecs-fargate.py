"""Amazon ECS on Fargate: the cluster and its service live in the ECS control plane,
outside the VPC; each task has its own network interface in a private subnet, and
reaches ECR and CloudWatch Logs through a NAT gateway in a public subnet."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECR, ElasticContainerServiceService, Fargate
from diagrams.aws.general import Users
from diagrams.aws.management import CloudwatchLogs
from diagrams.aws.network import ALB, InternetGateway, NATGateway

from _style import CLUSTER, STYLE

plano = "Cluster ECS (plano de controle, fora da VPC)"

with Diagram("ECS com Fargate", filename="ecs-fargate", **STYLE):
    usuarios = Users("Usuários")
    ecr = ECR("Amazon ECR\n(imagens)")
    logs = CloudwatchLogs("CloudWatch Logs")

    with Cluster(plano, graph_attr=CLUSTER):
        servico = ElasticContainerServiceService("Serviço\n(contagem desejada: 2)")

    with Cluster("VPC", graph_attr=CLUSTER):
        igw = InternetGateway("Gateway da internet")
        with Cluster("Sub-redes públicas", graph_attr=CLUSTER):
            alb = ALB("Application\nLoad Balancer")
            nat = NATGateway("Gateway NAT")
        tarefas = []
        for zona, ip in (("A", "10.0.11.25"), ("B", "10.0.12.40")):
            with Cluster(f"Sub-rede privada {zona}", graph_attr=CLUSTER):
                tarefas.append(Fargate(f"Tarefa Fargate\nENI própria: {ip}"))

    usuarios >> igw >> alb >> Edge(label="grupo de destino") >> tarefas
    servico >> Edge(label="inicia e substitui", style="dashed") >> tarefas
    # The way out, both directions: the image comes in, the logs go out.
    [ecr, logs] - igw - nat - Edge(label="saída") - tarefas
