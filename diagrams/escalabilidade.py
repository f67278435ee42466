"""Two scaling loops: Application Auto Scaling changes the service's desired count;
the capacity provider's managed scaling grows the Auto Scaling group."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import (
    EC2,
    ECS,
    ApplicationAutoScaling,
    EC2AutoScaling,
    ElasticContainerServiceService,
)
from diagrams.aws.management import Cloudwatch, CloudwatchAlarm

from _style import CLUSTER, STYLE

tarefas = "1. Tarefas: Application Auto Scaling com rastreamento de destino"
instancias = "2. Instâncias: escalabilidade gerenciada do provedor de capacidade"

with Diagram("Escalabilidade: tarefas e instâncias", filename="escalabilidade", **STYLE):
    with Cluster(tarefas, graph_attr=CLUSTER):
        cpu = Cloudwatch("Métrica do serviço\n(CPUUtilization)")
        alarme = CloudwatchAlarm("Alarme\n(CPU acima de 60%)")
        aas = ApplicationAutoScaling("Application\nAuto Scaling")
        servico = ElasticContainerServiceService("Serviço\n(2 → 4 tarefas)")
        cpu >> alarme >> aas >> Edge(label="contagem desejada") >> servico

    with Cluster(instancias, graph_attr=CLUSTER):
        provedor = ECS("Provedor de\ncapacidade")
        reserva = Cloudwatch("Métrica\nCapacityProviderReservation")
        asg = EC2AutoScaling("Grupo do\nAuto Scaling")
        instancia = EC2("Nova instância EC2\n(com o agente de contêiner)")
        cluster = ECS("Cluster ECS")
        provedor >> Edge(label="calcula") >> reserva >> Edge(label="acima do alvo") >> asg
        asg >> Edge(label="lança") >> instancia >> Edge(label="registra-se") >> cluster

    # constraint="false": the arrow between the rows does not move the nodes.
    espera = Edge(
        label="tarefas sem lugar (PROVISIONING)",
        style="dashed",
        constraint="false",
    )
    servico >> espera >> provedor
