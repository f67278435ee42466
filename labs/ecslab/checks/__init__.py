"""The checks: read-only assertions on a student's work, one module per lab, all run (no stop at the first)."""

from ecslab.checks.framework import Contexto, Relatorio, Resultado, executar

__all__ = ["Contexto", "Relatorio", "Resultado", "executar"]
