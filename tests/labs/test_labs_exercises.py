"""The exercises: when a student removes a key step or breaks a resource, the lab's check says so in Portuguese."""

from __future__ import annotations

from labs_testutil import Emulator, output_text, read_notebook, replace_in_cell, run_cli

from ecslab.checks.framework import executar
from ecslab.decision import registrar_decisao
from ecslab.provision.labs import preparar_lab


def failed(report, name: str) -> str:
    result = report[name]
    assert not result.ok, report.tabela()
    assert result.dica
    return result.dica


def test_lab00_exercise_left_behind_is_noticed(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("00"), 'ecslab.limpar("00")', "pass")
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "❌ Nada sobrando do exercício do laboratório 00" in out
    assert "ecslab.limpar('00')" in out


def test_lab01_exercise_private_route_removed(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("01"), "# ec2.delete_route(", "ec2.delete_route(")
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "❌ Rotas privadas saem pelo NAT" in out
    assert "→ Na tabela das sub-redes privadas" in out
    assert "❌ Duas sub-redes privadas" in out


def test_lab06_exercise_spot_without_tolerance(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("06"), "TOLERA_INTERRUPCAO = True", "TOLERA_INTERRUPCAO = False")
    nb = replace_in_cell(nb, "ESCOLHA = sugestao", 'ESCOLHA = "fargate-spot"')
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "❌ A escolha respeita a matriz de decisão" in out
    assert "não tolera interrupção" in out


def test_lab06_costs_not_from_the_table(emulador: Emulator, novo_aluno):
    s = emulador.session(novo_aluno)
    carga = {"cpu": 256, "memoria": 512, "tarefas": 2, "horas_por_mes": 730, "tipo_instancia": "t3.small",
             "tolera_interrupcao": True, "precisa_gpu": False}
    registrar_decisao(carga, {"ec2": 1.0, "ec2-spot": 1.0, "fargate": 1.0, "fargate-spot": 1.0}, "fargate",
                      sessao=s)
    report = executar("06", sessao=s, espera=0)
    assert "Calcule com a tabela" in failed(report, "Os custos mensais conferem com a tabela de preços do curso")
    assert report["A escolha respeita a matriz de decisão"].ok


def test_lab06_without_a_decision(emulador: Emulator, novo_aluno):
    report = executar("06", sessao=emulador.session(novo_aluno), espera=0)
    assert "registrar_decisao" in failed(report, "Carga de trabalho registrada")


def test_lab02_user_data_without_cluster(emulador: Emulator):
    run = emulador.run("02")
    ec2 = run.sessao.client("ec2")
    name = f"{run.aluno}-02-lt"
    ec2.create_launch_template_version(LaunchTemplateName=name, SourceVersion="$Latest",
                                       LaunchTemplateData={"UserData": ""})
    report = executar("02", sessao=run.sessao, espera=0)
    assert "ECS_CLUSTER" in failed(report, "Os dados do usuário registram a instância no cluster (ECS_CLUSTER)")


def test_lab03_log_group_removed(emulador: Emulator):
    run = emulador.run("03")
    run.sessao.client("logs").delete_log_group(logGroupName=f"/ecslab/{run.aluno}-03-web")
    report = executar("03", sessao=run.sessao, espera=0)
    assert "awslogs" in failed(report, "Logs do contêiner vão para um grupo do CloudWatch Logs que existe")


def test_lab04_strategy_without_on_demand_base(emulador: Emulator):
    run = emulador.run("04")
    ecs = run.sessao.client("ecs")
    cluster = f"{run.aluno}-04-cluster"
    current = ecs.describe_clusters(clusters=[cluster])["clusters"][0]["capacityProviders"]
    ecs.put_cluster_capacity_providers(cluster=cluster, capacityProviders=current,
                                       defaultCapacityProviderStrategy=[
                                           {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}])
    report = executar("04", sessao=run.sessao, espera=0)
    assert "FARGATE" in failed(report, "Estratégia padrão do cluster: base em FARGATE e peso em FARGATE_SPOT")


def test_lab05_policy_removed(emulador: Emulator, novo_aluno):
    s = emulador.session(novo_aluno)
    built = preparar_lab("05", sessao=s)
    s.client("application-autoscaling").delete_scaling_policy(
        PolicyName=f"{novo_aluno}-05-cpu-alvo", ServiceNamespace="ecs", ResourceId=built["destino_escalavel"],
        ScalableDimension="ecs:service:DesiredCount")
    report = executar("05", sessao=s, espera=0)
    assert "TargetTrackingScaling" in failed(report, "Política de rastreamento de destino na CPU média do serviço")
    assert report["Destino escalável registrado com mínimo e máximo de tarefas"].ok


def test_lab99_leftovers_after_exercise(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("99"), "# ecslab.criar_rede()", "ecslab.criar_rede()")
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "❌ Nada restante em ec2" in out
    assert "gateway-nat" in out
    from ecslab.cleanup import limpar

    limpar(sessao=emulador.session(novo_aluno))


def test_lab02_exercise_instance_registers_once_it_has_a_route(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("02"), "# ec2.create_route(RouteTableId=tabela_isolada",
                         "ec2.create_route(RouteTableId=tabela_isolada")
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "no cluster: nenhuma instância de contêiner" in out  # before the route
    assert "no cluster: ACTIVE, agente conectado: True" in out  # after it
    assert "(terminated)" in out
    report = executar("02", sessao=emulador.session(novo_aluno), espera=5)
    assert report.ok, report.tabela()


def test_lab03_exercise_public_subnet_needs_a_public_ip(emulador: Emulator, novo_aluno):
    assert "TaskFailedToStart" in output_text(emulador.run("03").first)  # as committed: DISABLED
    nb = replace_in_cell(read_notebook("03"), 'IP_PUBLICO = "DISABLED"', 'IP_PUBLICO = "ENABLED"')
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "assignPublicIp=ENABLED" in out and "RUNNING" in out and "Parei a tarefa" in out


def test_lab07_exercise_security_group_times_out(emulador: Emulator, novo_aluno):
    nb = replace_in_cell(read_notebook("07"), "# ec2.revoke_security_group_ingress(GroupId=rede.sg_tarefas, "
                         "IpPermissions=REGRA)", "ec2.revoke_security_group_ingress(GroupId=rede.sg_tarefas, "
                         "IpPermissions=REGRA)\necslab.aguardar(60)\nprint([a['TargetHealth'] for a in alvos()])")
    out = output_text(emulador.execute(nb, novo_aluno))
    assert "Target.Timeout" in out
    assert "❌ 3. Caminho de verificação errado" in out
    assert "→ Leia elbv2.describe_target_health" in out


def test_lab07_checks_on_a_fresh_student(emulador: Emulator, novo_aluno):
    """Nothing done yet: every check fails with its hint, none crashes (the CLI as a student types it)."""
    done = run_cli("verificar", "07", "--espera", "0", env=emulador.env(novo_aluno))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "0/6 verificações passaram." in done.stdout
    assert done.stdout.count("❌") == 6 and done.stdout.count("   → ") == 6
    assert f"o serviço {novo_aluno}-03-web (laboratório 03) não existe" in done.stdout
