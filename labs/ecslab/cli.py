"""The `ecslab` command (pt-BR): emulador iniciar|parar|status|reiniciar, verificar, limpar, inventario,
preparar, simular interrupcao-spot|carga, turma iniciar|parar|alunos|relatorio|limpar (ecslab.turma.cli)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence

from ecslab.errors import ErroLab, para_o_aluno


def _config(args: argparse.Namespace, backend: str | None = None):
    from ecslab.config import Config

    return Config.from_env(porta=args.porta, backend=backend)


def _session(args: argparse.Namespace):
    from ecslab.session import Sessao

    return Sessao(_config(args)).open()


def cmd_emulador(args: argparse.Namespace) -> int:
    from ecslab.backends import emulador

    cfg = _config(args, backend="emulador")
    port = cfg.porta
    if cfg.endpoint:  # ECSLAB_ENDPOINT: the class emulator, which the instructor runs
        return _emulador_turma(args.acao, cfg.endpoint, cfg.aluno)
    if args.acao == "status":
        found = emulador.status(port)
        if found.estado == "nosso":
            info = found.info or {}
            uptime = time.time() - float(info.get("iniciado_em", time.time()))
            print(f"✅ Emulador em execução em {emulador.endpoint(port)} (pid {info.get('pid')}, "
                  f"versão {info.get('versao')}, região {info.get('regiao')}, há {uptime:.0f} s, "
                  f"{info.get('requisicoes', 0)} requisições).")
            return 0
        if found.estado == "outro":
            print(f"⚠️  A porta {port} está ocupada por {found.descricao}, não pelo emulador do ecslab.")
            return 1
        print(f"O emulador não está em execução na porta {port}. Inicie-o com `ecslab emulador iniciar`.")
        return 1
    if getattr(args, "limpo", False) and args.acao != "reiniciar":
        raise ErroLab("--limpo só vale com `ecslab emulador reiniciar`.",
                      dica="Use `ecslab emulador reiniciar --limpo` para começar um emulador vazio.")
    if args.acao in ("parar", "reiniciar"):
        stopped = emulador.stop(port)
        if args.acao == "parar":
            print("🛑 Emulador parado; o estado dele fica gravado e volta quando ele iniciar de novo." if stopped else
                  f"O emulador não estava em execução em 127.0.0.1, porta {port}. Um emulador de turma (o de "
                  "`ecslab turma iniciar`, talvez num endereço da rede) para com `ecslab turma parar`.")
            return 0
        if args.limpo:
            emulador.forget_state(port)
            print("🧹 Estado gravado apagado: o emulador começa vazio (sem recursos, relógio simulado do zero).")
    started = time.monotonic()
    before = emulador.probe(port).estado
    info = emulador.start(port, cfg.regiao)
    if before == "nosso":
        print(f"✅ O emulador já estava em execução em {emulador.endpoint(port)} (pid {info.get('pid')}).")
        return 0
    print(f"✅ Emulador iniciado em {emulador.endpoint(port)} (pid {info.get('pid')}) em "
          f"{time.monotonic() - started:.2f} s. Log: {emulador.log_file(port)}")
    restored = (info.get("estado") or {}).get("restaurado")
    if restored:
        print(f"♻️  Estado anterior restaurado: os recursos e o relógio simulado "
              f"({float(restored.get('relogio', 0)):.0f} s) voltaram como estavam.")
    else:
        print("O emulador começou vazio (não havia estado gravado).")
    return 0


def _emulador_turma(acao: str, url: str, aluno: str) -> int:
    from ecslab.backends import emulador

    if acao in ("parar", "reiniciar"):
        raise ErroLab(f"O emulador da turma ({url}, em ECSLAB_ENDPOINT) é do instrutor: não é parado daqui.",
                      dica="Peça ao instrutor, ou remova ECSLAB_ENDPOINT para usar um emulador só seu.")
    info = emulador.conectar(url)
    print(f"✅ Emulador da turma respondendo em {url} (versão {info.get('versao')}, região {info.get('regiao')}, "
          f"{info.get('requisicoes', 0)} requisições).")
    ports = emulador.class_ports(info)
    if len(ports) > 1:
        served = emulador.student_endpoint(url, aluno)
        print(f"   A turma roda em {len(ports)} processos; o aluno {aluno} é atendido pelo de {served}.")
    return 0


def cmd_verificar(args: argparse.Namespace) -> int:
    from ecslab.checks.framework import executar

    report = executar(args.lab, sessao=_session(args), espera=args.espera)
    print(report.como_json() if args.json else report.tabela())
    return 0 if report.ok else 1


def cmd_limpar(args: argparse.Namespace) -> int:
    from ecslab.cleanup import limpar
    from ecslab.inventory import format_table, inventario

    s = _session(args)
    removed = limpar(args.lab, sessao=s)
    for label in removed:
        print(f"🗑️  {label}")
    what = f"do laboratório {args.lab}" if args.lab else "de todos os laboratórios"
    print(f"Removidos {len(removed)} recurso(s) {what} do aluno {s.aluno}.")
    print(format_table(inventario(args.lab, sessao=s)))
    return 0


def cmd_inventario(args: argparse.Namespace) -> int:
    from ecslab.inventory import format_table, inventario

    s = _session(args)
    inv = inventario(args.lab, sessao=s)
    if args.json:
        print(json.dumps({"aluno": s.aluno, "backend": s.backend.name, "recursos": inv}, ensure_ascii=False, indent=2))
    else:
        print(f"Aluno {s.aluno}, backend {s.backend}, região {s.regiao}")
        print(format_table(inv))
    return 0


def cmd_preparar(args: argparse.Namespace) -> int:
    from ecslab.provision.labs import preparar_lab

    started = time.monotonic()
    preparar_lab(args.lab, sessao=_session(args))
    print(f"✅ Laboratório {args.lab} montado em {time.monotonic() - started:.1f} s.")
    return 0


def cmd_simular(args: argparse.Namespace) -> int:
    from ecslab.spot_and_load import simular_carga, simular_interrupcao_spot

    if args.evento == "interrupcao-spot":
        done = simular_interrupcao_spot(instancia=args.instancia, tarefa=args.tarefa, sessao=_session(args))
        if not (done["instancias"] or done["tarefas"]):
            print("Nada foi interrompido: confira o id da instância ou o ARN da tarefa.")
            return 1
        return 0
    ok = simular_carga(args.cluster, args.servico, args.cpu, duracao=args.duracao, taxa=args.taxa,
                       sessao=_session(args))
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecslab",
        description="Laboratórios do curso ECS na prática: emulador, verificações, limpeza e inventário.",
        epilog="Variáveis: ECSLAB_BACKEND (emulador|localstack|aws), ECSLAB_PORTA, ECSLAB_ALUNO, AWS_REGION, "
               "ECSLAB_AWS_CONFIRMAR (backend aws), ECSLAB_ENDPOINT (o emulador da turma, http://IP:PORTA).",
    )
    parser.add_argument("--porta", type=int, default=None,
                        help="porta do emulador (padrão: ECSLAB_PORTA ou 4566)")
    sub = parser.add_subparsers(dest="comando", metavar="COMANDO")
    sub.required = True

    emu = sub.add_parser("emulador", help="gerencia o emulador AWS local")
    emu.add_argument("acao", choices=["iniciar", "parar", "status", "reiniciar"], help="o que fazer")
    emu.add_argument("--limpo", action="store_true",
                     help="com reiniciar: apaga o estado gravado, e o emulador começa vazio (sem isso, recursos e "
                          "relógio simulado voltam como estavam)")
    emu.set_defaults(func=cmd_emulador)

    ver = sub.add_parser("verificar", help="verifica um laboratório (✅/❌ com dicas)")
    ver.add_argument("lab", help="número do laboratório, por exemplo 01")
    ver.add_argument("--json", action="store_true", help="saída em JSON")
    ver.add_argument("--espera", type=float, default=None,
                     help="segundos, no máximo, esperando o que ainda está subindo")
    ver.set_defaults(func=cmd_verificar)

    lim = sub.add_parser("limpar", help="remove o que você criou (todos os laboratórios ou um)")
    lim.add_argument("--lab", default=None, help="só este laboratório")
    lim.set_defaults(func=cmd_limpar)

    inv = sub.add_parser("inventario", help="lista o que sobrou, por serviço")
    inv.add_argument("--lab", default=None, help="só este laboratório")
    inv.add_argument("--json", action="store_true", help="saída em JSON")
    inv.set_defaults(func=cmd_inventario)

    pre = sub.add_parser("preparar", help="monta tudo o que um laboratório cria (para pular etapas)")
    pre.add_argument("lab", help="número do laboratório (01 a 05, ou 07: o ponto de partida dele)")
    pre.set_defaults(func=cmd_preparar)

    from ecslab.turma.cli import add_parser as add_turma  # ecslab turma ... (for instructors)

    add_turma(sub)

    sim = sub.add_parser(
        "simular", help="provoca uma interrupção Spot ou carga: simulada no emulador, de verdade na AWS",
        description="No emulador, simula o evento. Na AWS (ECSLAB_BACKEND=aws, com ECSLAB_AWS_CONFIRMAR), faz o "
                    "evento de verdade: interrupção Spot de instância EC2 por um experimento do AWS FIS e carga como "
                    "tráfego HTTP real para o balanceador de carga do serviço.",
    )
    eventos = sim.add_subparsers(dest="evento", metavar="EVENTO")
    eventos.required = True
    spot = eventos.add_parser(
        "interrupcao-spot", help="interrompe uma instância EC2 Spot ou uma tarefa Fargate Spot",
        description="Aviso de dois minutos para uma instância EC2 Spot sua (na AWS, por um experimento do AWS FIS "
                    "com o perfil <aluno>-04-fis) ou interrupção de uma tarefa Fargate Spot (só no emulador: a AWS "
                    "não tem como provocá-la).",
    )
    alvo = spot.add_mutually_exclusive_group(required=True)
    alvo.add_argument("--instancia", metavar="ID", help="id da instância EC2 Spot (i-...): aviso de dois minutos")
    alvo.add_argument("--tarefa", metavar="ARN", help="ARN da tarefa Fargate Spot a interromper (só no emulador)")
    spot.set_defaults(func=cmd_simular)
    carga = eventos.add_parser(
        "carga", help="carga num serviço: CPU sintética no emulador, tráfego real na AWS",
        description="No emulador, define a CPU média que as tarefas do serviço reportam (--cpu). Na AWS, envia "
                    "requisições HTTP GET de verdade ao balanceador de carga do serviço, limitadas em tempo "
                    "(--duracao) e em ritmo (--taxa); a CPU sobe com o trabalho real da aplicação.",
    )
    carga.add_argument("--cluster", required=True, help="nome ou ARN do cluster")
    carga.add_argument("--servico", required=True, help="nome ou ARN do serviço")
    carga.add_argument("--cpu", type=float, default=None,
                       help="no emulador (obrigatório lá): CPU em %% (0 a 100), por exemplo 90; na AWS não se aplica")
    carga.add_argument("--duracao", type=float, default=None,
                       help="segundos; no emulador, de tempo simulado (sem isso, a carga fica até mudar); na AWS, "
                            "de tráfego real (padrão 120, máximo 900)")
    carga.add_argument("--taxa", type=float, default=None,
                       help="na AWS: requisições por segundo, no máximo (padrão 50, limite 500); no emulador não se "
                            "aplica")
    carga.set_defaults(func=cmd_simular)
    _porta_anywhere(parser)
    return parser


def _porta_anywhere(parser: argparse.ArgumentParser) -> None:
    """`--porta` works before or after the subcommand (`ecslab emulador iniciar --porta 4600`): every subcommand
    that has no --porta of its own accepts it too, without overriding one given before the subcommand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if "--porta" not in child._option_string_actions:
                    child.add_argument("--porta", type=int, default=argparse.SUPPRESS,
                                       help="porta do emulador (padrão: ECSLAB_PORTA ou 4566)")
                _porta_anywhere(child)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.porta is not None:
        os.environ["ECSLAB_PORTA"] = str(args.porta)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Interrompido.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback: a Portuguese message (the unexpected ones go to the log)
        print(f"❌ {para_o_aluno(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
