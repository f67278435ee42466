"""Every topic of the original study text is taught on the built site.

Each entry names the page that teaches a section of the original text and phrases that page must contain;
if a topic (or the page) disappears, the test says which one.
"""

import html
import re

import pytest

TOPICS = {
    "Cluster": ("conceitos/cluster/", ["cluster", "CreateCluster"]),
    "Instâncias EC2": (
        "conceitos/instancias-ec2/",
        ["instância de contêiner", "AMI otimizada", "ECS_CLUSTER", "dados do usuário"],
    ),
    "ECS Agent": (
        "conceitos/agente-ecs/",
        ["agente de contêiner", "RegisterContainerInstance", "/etc/ecs/ecs.config", "SubmitTaskStateChange"],
    ),
    "Definições de tarefa": (
        "conceitos/definicoes-de-tarefa/",
        ["definição de tarefa", "portMappings", "dependsOn", "awsvpc", "bridge", "executionRoleArn",
         "taskRoleArn", "Invalid 'cpu' setting for task"],
    ),
    "Tarefas (paralelo com Pods)": ("conceitos/tarefas/", ["Pod", "Deployment", "kubelet", "RunTask"]),
    "Serviços": (
        "conceitos/servicos/", ["desiredCount", "minimumHealthyPercent", "maximumPercent", "has reached a steady state"]
    ),
    "Escalabilidade": (
        "conceitos/escalabilidade/",
        ["rastreamento de destino", "escalabilidade em etapas", "Auto Scaling", "targetCapacity",
         "CapacityProviderReservation", "ALB", "NLB"],
    ),
    "Fargate": ("conceitos/fargate/", ["Fargate", "awsvpc", "FARGATE_SPOT"]),
    "ECS Spot": (
        "conceitos/spot/",
        ["aviso de dois minutos", "ECS_ENABLE_SPOT_INSTANCE_DRAINING", "FARGATE_SPOT", "base", "weight"],
    ),
    "ECS EC2 vs ECS Fargate e matriz de decisão": (
        "escolha/ec2-fargate-spot/",
        ["Matriz de decisão", "Controle sobre a infraestrutura", "Gestão de instâncias", "Complexidade",
         "GPU", "Tempo de inicialização", "Modelo de preço", "interrupç"],
    ),
    "Estrutura de rede recomendada": (
        "rede/estrutura-recomendada/",
        ["sub-rede pública", "sub-rede privada", "gateway da internet", "gateway NAT", "tabela de rotas",
         "grupo de segurança", "PrivateLink", "peering", "endpoint"],
    ),
    "Fargate e a rede (correção do texto original)": (
        "rede/fargate-e-a-rede/",
        ["assignPublicIp", "gateway NAT", "ecr.dkr", "O texto original simplifica"],
    ),
    "Glossário": ("glossario/", ["provedor de capacidade", "capacityProvider", "perfil de execução de tarefa"]),
}

FARGATE_PAIRS = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}


def page_text(built_site, url: str) -> str:
    page = built_site.page(url)
    assert page.exists(), f"a página {url} sumiu do site"
    raw = page.read_text(encoding="utf-8")
    article = raw.split('<article', 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article)))


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_is_taught(built_site, topic):
    url, phrases = TOPICS[topic]
    text = page_text(built_site, url).lower()
    missing = [p for p in phrases if p.lower() not in text]
    assert missing == [], f"tópico '{topic}' em {url}: faltam {missing}"


def test_fargate_size_table_is_complete(built_site):
    text = page_text(built_site, "conceitos/definicoes-de-tarefa/")
    for cpu, memories in FARGATE_PAIRS.items():
        assert str(cpu) in text
        if len(memories) <= 4:
            for memory in memories:
                assert str(memory) in text, (cpu, memory)
        else:
            assert str(memories[0]) in text and str(memories[-1]) in text, (cpu, memories[0], memories[-1])


def test_home_page_gives_the_path(built_site):
    text = page_text(built_site, "")
    for phrase in ["make serve", "conceitos", "glossário", "EC2, Fargate ou Spot"]:
        assert phrase.lower() in text.lower()


def test_home_page_says_what_is_real_in_an_emulator_run(built_site):
    """The labs run against an emulator: the home page says the API calls are real and ECS's behaviour is modelled,
    and points to the page that lists what is modelled, never that the labs build real ECS."""
    text = page_text(built_site, "").lower()
    assert "as chamadas de api são as reais" in text
    assert "o emulador modela" in text and "nenhum contêiner roda" in text
    assert "ecs de verdade" not in text
    assert 'href="laboratorios/emulador/"' in built_site.page("").read_text(encoding="utf-8")
