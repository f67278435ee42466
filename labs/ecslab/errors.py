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
