"""The ECS container agent: it registers its instance with the control plane,
receives the tasks to start and reports their state changes."""

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2, ECS, ElasticContainerServiceContainer
from diagrams.aws.management import SystemsManagerDocuments
from diagrams.onprem.container import Docker

from _style import CLUSTER, STYLE

titulo = "O agente de contêiner (ECS Agent) e o plano de controle"
instancia = "Instância de contêiner (EC2 com a AMI otimizada para o Amazon ECS)"

with Diagram(titulo, filename="agente-ecs", **STYLE):
    with Cluster("Região da AWS", graph_attr=CLUSTER):
        plano = ECS("Plano de controle\ndo Amazon ECS")

    with Cluster(instancia, graph_attr=CLUSTER):
        config = SystemsManagerDocuments("/etc/ecs/ecs.config\n(dados do usuário)")
        agente = EC2("Agente de contêiner\n(ECS Agent)")
        runtime = Docker("Docker / containerd")
        conteineres = ElasticContainerServiceContainer("Contêineres\nda tarefa")

        config >> Edge(label="ECS_CLUSTER=meu-cluster") >> agente
        agente >> Edge(label="inicia e para") >> runtime >> conteineres

    agente >> Edge(label="1. RegisterContainerInstance\n(CPU, memória, portas)") >> plano
    plano >> Edge(label="2. tarefa para iniciar") >> agente
    agente >> Edge(label="3. SubmitTaskStateChange\n(RUNNING, STOPPED)") >> plano
