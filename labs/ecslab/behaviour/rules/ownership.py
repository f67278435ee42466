"""Who may write what on the class emulator, as the students' ABAC policy (labs/iam/politica-aluno.json) decides on
AWS: a student's writes may name only their own resources (tagged ``ecslab:aluno=<nome>`` or named
``<nome>-<lab>-``) and resources nobody owns (the default VPC, AMIs, managed policies); reads are open (the policy's
"Leitura" statement). The instructor may do everything. Any other identity may not touch a student's resource.

The emulator's own endpoints follow the same rule, with one owner more: the simulated clock, which is the
instructor's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ecslab.identity import INSTRUCTOR, LABELS, STUDENT, Identity

CLOCK_OWNER = LABELS[INSTRUCTOR]  # the simulated clock's owner, as the audit names the instructor


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    owners: tuple[str, ...]  # every owner of what the call names, sorted
    foreign: tuple[str, ...]  # the owners that are not the caller, sorted


def verdict(who: Identity, owners: Iterable[str]) -> Verdict:
    every = tuple(sorted(set(owners)))
    mine = who.name if who.kind == STUDENT else None
    foreign = tuple(owner for owner in every if owner != mine)
    return Verdict(allowed=who.kind == INSTRUCTOR or not foreign, owners=every, foreign=foreign)
