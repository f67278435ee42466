"""The one exception a student sees: a Portuguese message that says what to do."""

from __future__ import annotations


class ErroLab(Exception):
    """An error the student can fix. The message is pt-BR and ends with what to do.

    The CLI prints it without a traceback and exits with code 2; in a notebook it shows as one line.
    """

    def __init__(self, mensagem: str, *, dica: str | None = None):
        self.mensagem = mensagem
        self.dica = dica
        texto = mensagem if not dica else f"{mensagem}\n→ {dica}"
        super().__init__(texto)

    def _render_traceback_(self) -> list[str]:  # IPython: show only the message
        return [f"❌ {self}"]


class BackendFora(ErroLab):
    """The backend does not answer at all (the emulator stopped, no network): nothing else can work until it is
    back, so whoever catches errors one by one (the checks) stops at this one."""



def para_o_aluno(exc: BaseException) -> ErroLab:
    """Any exception as the Portuguese message a student can act on; an unexpected one leaves its traceback in the
    ecslab log (the state directory) and says where, never on screen."""
    if isinstance(exc, ErroLab):
        return exc
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError):
        where = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return BackendFora(f"Não consegui me conectar com {where or 'o backend'}.",
                           dica="Confira a rede (e o emulador, com `ecslab emulador status`) e rode de novo.")
    if isinstance(exc, NoCredentialsError):
        return ErroLab("Não encontrei credenciais da AWS.",
                       dica="Configure-as com `aws configure` ou `aws sso login` (ou AWS_PROFILE) e rode de novo.")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        operation = getattr(exc, "operation_name", "") or "a chamada"
        return ErroLab(f"{operation} foi recusada: {error.get('Code', '?')}: {error.get('Message', '')}",
                       dica="A mensagem acima é da AWS (ou do emulador, com as palavras da AWS): ela diz o que falta.")
    return ErroLab(f"Erro inesperado dentro do ecslab ({exc.__class__.__name__}).",
                   dica=f"Os detalhes técnicos estão em {_log_unexpected(exc)}. Rode de novo; se repetir, mostre "
                        "esse arquivo ao instrutor.")


def _log_unexpected(exc: BaseException) -> str:
    import datetime
    import traceback

    from ecslab.config import state_dir

    path = state_dir() / "erros.log"
    with open(path, "a", encoding="utf-8") as log:
        log.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n")
        log.write("".join(traceback.format_exception(exc)))
    return str(path)
