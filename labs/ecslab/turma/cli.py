"""`ecslab turma` (pt-BR, for instructors): iniciar | parar | alunos | relatorio | limpar."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ecslab.errors import ErroLab

DESCRICAO = """Para instrutores: um emulador para a turma inteira, o progresso de cada aluno e a limpeza.

  ecslab turma iniciar [--endereco IP] [--porta N] [--processos N]
                                                      inicia o emulador da turma e mostra o que cada aluno define
  ecslab turma alunos                                 lista os alunos com recursos no backend
  ecslab turma relatorio [--html ARQ] [--atualizar SEG] [--csv ARQ] [--aluno X ...]
                                                      quadro aluno × laboratório (✅ ❌ —)
  ecslab turma limpar [--aluno X] [--sim]             apaga os recursos de um aluno ou da turma e prova com o inventário
  ecslab turma parar                                  para o emulador da turma

Os comandos usam o backend de ECSLAB_BACKEND (padrão: o emulador da turma nesta máquina)."""

REGRA_AJUDA = """Estados de cada laboratório: ✅ todas as verificações passam; ❌ começou, mas alguma verificação falha
(a coluna "onde parou" mostra a primeira); — não iniciado. As verificações só leem (nada é criado nem alterado)
e rodam sem esperar.

Um laboratório conta como iniciado quando o aluno tem algum recurso dele no backend (tag ecslab:lab ou nome
<aluno>-<lab>-). Os laboratórios que não criam recursos seguem esta regra:
  00 (ambiente)  iniciado quando o aluno aparece no backend (agora ou numa rodada anterior do relatório);
  06 (custos)    iniciado quando há uma decisão registrada; ela fica num arquivo na máquina de quem rodou o
                 notebook, então só aparece para quem trabalha nesta máquina;
  99 (limpeza)   iniciado quando o aluno já apareceu antes e não tem mais nada; enquanto sobra algo, a limpeza
                 ainda não começou.
O relatório lembra os alunos que já viu (no diretório de estado do ecslab), para mostrar o 99 de quem limpou tudo."""


def _porta(args: argparse.Namespace) -> int | None:
    return args.turma_porta if args.turma_porta is not None else args.porta


def _config(args: argparse.Namespace, backend: str | None = None) -> Any:
    from ecslab.config import Config

    return Config.from_env(porta=_porta(args), backend=backend)


def _sessao(args: argparse.Namespace) -> Any:
    """The instructor's session on the class's backend: the class emulator (never started here; every process of
    it, see Sessao.per_process), or LocalStack / AWS as ECSLAB_BACKEND says."""
    from ecslab import backends
    from ecslab.session import Sessao

    cfg = backends.for_config(_config(args)).instructor_config()
    return Sessao(cfg, class_view=True).open()


def _memory_key(s: Any) -> int | str:
    return s.backend.class_key()


def _remembered(s: Any) -> list[str]:
    from ecslab.turma.emulator import ler_turma

    return list((ler_turma(_memory_key(s)) or {}).get("alunos", []))


def _remember(s: Any, alunos: list[str]) -> None:
    from ecslab.turma.emulator import gravar_turma, ler_turma

    data = ler_turma(_memory_key(s)) or {}
    data["alunos"] = sorted(set(alunos))
    gravar_turma(_memory_key(s), data)


def cmd_iniciar(args: argparse.Namespace) -> int:
    from ecslab.turma.emulator import (
        aviso_rede,
        gravar_pagina,
        iniciar_turma,
        instrucoes,
        is_loopback,
        lan_address,
        portas_texto,
    )

    cfg = _config(args, backend="emulador")
    info = iniciar_turma(cfg.porta, args.endereco, regiao=cfg.regiao, processos=args.processos)
    state = "já estava em execução" if info["ja_estava"] else "iniciado"
    ports = info["portas"]
    processes = (f"{len(ports)} processos, pids {', '.join(map(str, info['pids']))}; os alunos se conectam à porta "
                 f"{ports[0]} e cada um é atendido por um dos processos" if len(ports) > 1 else f"pid {info['pid']}")
    print(f"✅ Emulador da turma {state}: escuta em {info['endereco']}, {portas_texto(ports)} ({processes}).")
    warning = aviso_rede(info)
    if warning:
        print(warning)
    elif is_loopback(info["endereco"]):
        lan = lan_address()
        example = f" (por exemplo --endereco {lan})" if lan else ""
        print("Só esta máquina alcança 127.0.0.1. Para alunos em outras máquinas da rede da sala, inicie com "
              f"--endereco e o IP desta máquina nessa rede{example}.")
    print()
    print(instrucoes(info))
    print()
    page = gravar_pagina(info)
    print(f"Página para projetar ou compartilhar: {page}")
    print("Acompanhe a turma: ecslab turma relatorio --html progresso.html --atualizar 30")
    return 0


def cmd_parar(args: argparse.Namespace) -> int:
    from ecslab.turma.emulator import parar_turma

    cfg = _config(args, backend="emulador")
    if parar_turma(cfg.porta, limpo=args.limpo):
        print(f"🛑 Emulador da turma parado (porta {cfg.porta}).")
    else:
        print(f"O emulador da turma não estava em execução na porta {cfg.porta}.")
    print("🧹 Estado gravado apagado: o próximo `ecslab turma iniciar` começa vazio." if args.limpo else
          "O estado de cada processo fica gravado e volta com o próximo `ecslab turma iniciar` "
          "(para começar vazio: `ecslab turma parar --limpo`).")
    return 0


def cmd_alunos(args: argparse.Namespace) -> int:
    from ecslab.turma.roster import labs_by_student

    s = _sessao(args)
    found = labs_by_student(s)
    earlier = [a for a in _remembered(s) if a not in found]
    if not found and not earlier:
        print(f"Nenhum aluno com recursos no backend {s.backend} ainda.")
        return 0
    width = max(len(a) for a in [*found, *earlier])
    for aluno in sorted(found):
        labs = sorted(lab for lab in found[aluno] if lab)
        print(f"  {aluno:<{width}}  laboratórios com recursos: {', '.join(labs) if labs else '—'}")
    for aluno in earlier:
        print(f"  {aluno:<{width}}  sem recursos agora (visto antes)")
    print(f"{len(found)} aluno(s) com recursos no backend {s.backend}"
          + (f"; {len(earlier)} visto(s) antes, sem recursos agora." if earlier else "."))
    _remember(s, [*found, *earlier])
    return 0


def _append_csv(path: Path, text_with_header: str) -> None:
    _, _, rows = text_with_header.partition("\n")
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(text_with_header if new else rows)


def cmd_relatorio(args: argparse.Namespace) -> int:
    from ecslab.config import write_atomic
    from ecslab.turma.report import relatorio_turma

    if args.atualizar is not None and args.atualizar <= 0:
        raise ErroLab(f"Intervalo inválido: {args.atualizar}.", dica="Use um número de segundos maior que zero, "
                      "por exemplo --atualizar 30.")
    s = _sessao(args)
    memory = set(_remembered(s))
    html_path = Path(args.html) if args.html else None
    csv_path = Path(args.csv) if args.csv else None
    refresh = max(1, round(args.atualizar)) if args.atualizar else 30  # the page's own reload, in seconds
    live = args.atualizar is not None
    with _ctrl_c_ends_the_round(live) as stopped:
        while True:
            started = time.monotonic()
            quadro = relatorio_turma(s, alunos=args.aluno or None, conhecidos=sorted(memory))
            if not memory.issuperset(quadro.vistos):
                memory |= set(quadro.vistos)
                _remember(s, sorted(memory))
            if html_path:
                write_atomic(html_path, quadro.html(refresh))
            if csv_path:
                _append_csv(csv_path, quadro.csv())
            if live and sys.stdout.isatty():
                print("\033[2J\033[H", end="")
            print(quadro.tabela())
            if html_path:
                print(f"\nPágina: {html_path.resolve()}" + (f" (atualiza a cada {refresh} s)" if live else ""))
            if csv_path:
                print(f"Registros acrescentados a {csv_path.resolve()}")
            if not live:
                return 0
            took = time.monotonic() - started
            print(f"Próxima rodada em {args.atualizar:g} s (esta levou {took:.1f} s). Ctrl-C para parar.", flush=True)
            until = time.monotonic() + args.atualizar
            while not stopped() and time.monotonic() < until:
                time.sleep(min(STOP_POLL, max(0.0, until - time.monotonic())))
            if stopped():
                print("\nRelatório parado." + (f" Última versão em {html_path.resolve()}." if html_path else ""))
                return 0


STOP_POLL = 0.1  # seconds between two looks at Ctrl-C while the live report waits for its next round


@contextlib.contextmanager
def _ctrl_c_ends_the_round(live: bool) -> Iterator[Callable[[], bool]]:
    """Ctrl-C ends the live report after the round in progress, instead of raising KeyboardInterrupt wherever the
    main thread happens to be: inside the report's thread pool or a lock it holds, an exception from a signal can
    leave a lock taken and the command hung (the test of this command saw it once). A second Ctrl-C interrupts at
    once; a report of one round keeps Python's usual Ctrl-C."""
    if not live:
        yield lambda: False
        return
    pressed: list[bool] = []

    def press(*_: Any) -> None:
        if pressed:
            raise KeyboardInterrupt
        pressed.append(True)

    previous = signal.signal(signal.SIGINT, press)
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_limpar(args: argparse.Namespace) -> int:
    from ecslab.config import normalize_student
    from ecslab.inventory import format_table, inventario
    from ecslab.turma.cleanup import limpar_turma
    from ecslab.turma.roster import alunos_vistos

    s = _sessao(args)
    if args.aluno:
        aluno = normalize_student(args.aluno)
        removed = limpar_turma(s, aluno)
        for label in removed.get(aluno, []):
            print(f"🗑️  {label}")
        print(f"Removidos {len(removed.get(aluno, []))} recurso(s) do aluno {aluno}.")
        print(f"Inventário de {aluno}: {format_table(inventario(sessao=s.for_student(aluno)))}")
        _remember(s, [a for a in _remembered(s) if a != aluno])
        return 0
    alunos = alunos_vistos(s)
    if not alunos:
        print(f"Nenhum aluno com recursos no backend {s.backend}: nada a limpar.")
        _remember(s, [])
        return 0
    if not args.sim:
        print(f"Isto apaga os recursos de {len(alunos)} aluno(s) no backend {s.backend}: {', '.join(alunos)}.")
        try:
            answer = input("Digite sim para confirmar: ")
        except EOFError:
            raise ErroLab("Limpar a turma inteira precisa de confirmação.",
                          dica="Rode `ecslab turma limpar --sim` (ou responda sim à pergunta), ou limpe um aluno "
                               "só com --aluno NOME.") from None
        if answer.strip().lower() != "sim":
            print("Nada foi removido.")
            return 1
    removed = limpar_turma(s)
    for aluno, labels in removed.items():
        print(f"🗑️  {aluno}: {len(labels)} recurso(s) removido(s)")
    print("Inventário depois da limpeza:")
    for aluno in removed:
        print(f"  {aluno}: {format_table(inventario(sessao=s.for_student(aluno)))}")
    left = alunos_vistos(s)
    print(f"✅ Nenhum aluno com recursos no backend {s.backend}." if not left
          else f"❌ Ainda com recursos: {', '.join(left)}.")
    _remember(s, [])
    return 0 if not left else 1


def _add_porta(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--porta", dest="turma_porta", metavar="N", type=int, default=None,
                        help="porta do emulador da turma (padrão: ECSLAB_PORTA ou 4566)")


def add_parser(sub: Any) -> None:
    """Register `ecslab turma ...` on the main parser's subcommands."""
    raw = argparse.RawDescriptionHelpFormatter
    turma = sub.add_parser("turma", help="para instrutores: emulador da turma, progresso dos alunos e limpeza",
                           description=DESCRICAO, formatter_class=raw)
    acoes = turma.add_subparsers(dest="acao_turma", metavar="AÇÃO")
    acoes.required = True

    ini = acoes.add_parser(
        "iniciar", help="inicia o emulador da turma e mostra o que cada aluno define", formatter_class=raw,
        description="Inicia (ou encontra) o emulador da turma e mostra o que cada aluno define: ECSLAB_BACKEND, "
                    "ECSLAB_ENDPOINT e ECSLAB_ALUNO.\nGrava as mesmas instruções numa página (turma.html no "
                    "diretório de estado do ecslab) para projetar ou compartilhar.\n\nSem --endereco o emulador "
                    "escuta só em 127.0.0.1 (esta máquina). Com o IP desta máquina na rede da sala, os alunos\n"
                    "dessa rede se conectam; não há senha: qualquer um que alcance o endereço vê e apaga os "
                    "recursos de todos.\n\nO emulador roda em um processo por núcleo (--processos), nas portas a "
                    "partir de --porta: os alunos definem só a\nprimeira, e cada um é atendido sempre pelo mesmo "
                    "processo.")
    ini.add_argument("--processos", metavar="N", type=int, default=None,
                     help="processos do emulador, um por porta a partir da --porta (padrão: um por núcleo desta "
                          "máquina, até 4); cada aluno fica inteiro num processo")
    ini.add_argument("--endereco", metavar="IP", default=None,
                     help="onde escutar: o IP desta máquina na rede da sala, ou 0.0.0.0 para todas as interfaces "
                          "(padrão: 127.0.0.1, só esta máquina)")
    _add_porta(ini)
    ini.set_defaults(func=cmd_iniciar)

    par = acoes.add_parser("parar", help="para o emulador da turma (o estado fica gravado; --limpo o apaga)",
                           description="Para o emulador da turma, onde quer que ele escute. O que os alunos criaram "
                                       "fica gravado e volta com o próximo `ecslab turma iniciar`; com --limpo, "
                                       "o estado gravado é apagado e a próxima turma começa vazia.")
    par.add_argument("--limpo", action="store_true", help="apaga o estado gravado: a próxima turma começa vazia")
    _add_porta(par)
    par.set_defaults(func=cmd_parar)

    alu = acoes.add_parser("alunos", help="lista os alunos com recursos no backend (pela tag ecslab:aluno)",
                           description="Lista os alunos que têm recursos no backend (pela tag ecslab:aluno ou pelo "
                                       "nome <aluno>-<lab>-), com os laboratórios de cada um, e os que o relatório já "
                                       "viu antes. Só lê.")
    _add_porta(alu)
    alu.set_defaults(func=cmd_alunos)

    rel = acoes.add_parser(
        "relatorio", help="quadro aluno × laboratório (✅ ❌ —) no terminal, em HTML e em CSV",
        description="Roda as verificações de todos os laboratórios para cada aluno e mostra o quadro aluno × "
                    "laboratório.\n\n" + REGRA_AJUDA, formatter_class=raw)
    rel.add_argument("--html", metavar="ARQ", default=None,
                     help="grava o quadro numa página HTML autossuficiente que se recarrega sozinha")
    rel.add_argument("--atualizar", metavar="SEG", type=float, default=None,
                     help="refaz o quadro a cada SEG segundos (e regrava --html e --csv) até Ctrl-C; sem isso, "
                          "uma vez só")
    rel.add_argument("--csv", metavar="ARQ", default=None,
                     help="acrescenta ao arquivo uma linha por aluno × laboratório (momento, estado, verificações "
                          "que falham)")
    rel.add_argument("--aluno", metavar="X", nargs="+", action="extend", default=None,
                     help="só estes alunos (padrão: todos os que aparecem no backend)")
    _add_porta(rel)
    rel.set_defaults(func=cmd_relatorio)

    lim = acoes.add_parser(
        "limpar", help="apaga os recursos de um aluno ou da turma inteira e mostra o inventário vazio",
        description="Apaga os recursos de um aluno (--aluno) ou de todos os alunos vistos no backend, na ordem "
                    "certa, e prova com o inventário de cada um.\nA turma inteira pede confirmação: --sim ou "
                    "responder sim.")
    lim.add_argument("--aluno", metavar="X", default=None, help="só este aluno")
    lim.add_argument("--sim", action="store_true", help="confirma a limpeza da turma inteira sem perguntar")
    _add_porta(lim)
    lim.set_defaults(func=cmd_limpar)
