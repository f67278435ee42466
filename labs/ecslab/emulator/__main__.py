"""`python -m ecslab.emulator --porta N [--endereco IP] [--portas-turma P1,P2]`: run the emulator in the foreground."""

import argparse
import os
import sys

from ecslab.behaviour.clock import SCALE_ENV, scale_problem
from ecslab.config import PORTA_PADRAO, REGIAO_PADRAO
from ecslab.emulator.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ecslab.emulator", description="Emulador AWS do ecslab.")
    parser.add_argument("--porta", type=int, default=int(os.environ.get("ECSLAB_PORTA") or PORTA_PADRAO))
    parser.add_argument("--regiao", default=os.environ.get("AWS_DEFAULT_REGION") or REGIAO_PADRAO)
    parser.add_argument("--endereco", default="127.0.0.1",
                        help="endereço em que o emulador escuta (padrão 127.0.0.1: só esta máquina)")
    parser.add_argument("--arquivo-pid", default=None, help="arquivo onde gravar o PID (opcional)")
    parser.add_argument("--portas-turma", default=None, metavar="P1,P2,...",
                        help="as portas de todos os processos de um emulador de turma (a primeira distribui os "
                             "alunos); sem isso, um emulador de um processo só")
    args = parser.parse_args()
    problem = scale_problem(os.environ.get(SCALE_ENV))
    if problem:  # before listening: an emulator whose clock would be infinite or frozen never starts
        sys.exit(f"ecslab-emulador: {problem}")
    class_ports = [int(p) for p in args.portas_turma.split(",")] if args.portas_turma else None
    serve(args.porta, region=args.regiao, pid_file=args.arquivo_pid, host=args.endereco, class_ports=class_ports)


if __name__ == "__main__":
    main()
