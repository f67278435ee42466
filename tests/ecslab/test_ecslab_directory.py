"""Which process of a class emulator serves each student: balanced, sticky, safe under concurrent first calls."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecslab.emulator.directory import Directory


def test_students_spread_evenly_and_stay_put():
    directory = Directory([4566, 4567])
    first = [directory.port_for(f"aluno{i:02d}") for i in range(1, 31)]
    assert Counter(first) == {4566: 15, 4567: 15}
    assert [directory.port_for(f"aluno{i:02d}") for i in range(1, 31)] == first  # asked again: same process
    assert directory.placed() == {f"aluno{i:02d}": port for i, port in enumerate(first, 1)}


def test_one_process_serves_everyone():
    directory = Directory([4566])
    assert {directory.port_for(name) for name in ("ana", "anabela", "bia")} == {4566}


def test_concurrent_first_calls_place_each_student_once():
    directory = Directory([5000, 5001, 5002])
    names = [f"aluno{i:02d}" for i in range(60)] * 5  # every student asks five times, all at once
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(directory.port_for, names))
    by_student: dict[str, set[int]] = {}
    for name, port in zip(names, answers, strict=True):
        by_student.setdefault(name, set()).add(port)
    assert all(len(ports) == 1 for ports in by_student.values())
    assert Counter(directory.placed().values()) == {5000: 20, 5001: 20, 5002: 20}


def test_a_class_has_a_port():
    with pytest.raises(ValueError):
        Directory([])


def test_placements_survive_a_restart_of_the_first_process(tmp_path):
    record = tmp_path / "turma-4566-alunos.json"
    first = Directory([4566, 4567], record)
    placed = {name: first.port_for(name) for name in ("ana", "bia", "caio")}
    again = Directory([4566, 4567], record)  # the first process, brought back
    assert again.placed() == placed
    assert again.port_for("davi") == 4567  # and it goes on balancing: 2 on 4566, 1 on 4567 before
    assert Directory([4566, 4567, 4568], record).placed() == {}  # another class on the same port starts afresh
    record.write_text("{não é json")
    assert Directory([4566, 4567], record).placed() == {}
