"""A région's millésimes are protected side by side, one process each (oress.protect.protect_all): the same masks
as one at a time, every log line and round reaches the parent, and a worker's failure stops the step.
Run: tests/conftest.py::publish_run (2017 and 2018, one région)."""
import os
import signal
import time
from pathlib import Path

import pytest

from oress import protect
from oress.secrecy import SecrecyError
from oress.warehouse import reading


@pytest.fixture(scope="module")
def publications(publish_run):
    with reading(publish_run.warehouse) as connection:
        return [protect.read_publication(connection, m) for m in (2017, 2018)]


def test_side_by_side_gives_each_millesime_the_mask_it_gets_alone(publish_run, publications):
    lines, rounds = [], []
    together = protect.protect_all(publications, publish_run.secret, log=lines.append,
                                   on_round=lambda millesime, row: rounds.append((millesime, row["round"])))
    assert list(together) == [2017, 2018]
    for publication in publications:
        _, alone = protect.protect_publication(publication, publish_run.secret)
        assert together[publication.millesime].cells["secret"].tolist() == alone.cells["secret"].tolist()
        assert together[publication.millesime].audit.passed
        played = [number for millesime, number in rounds if millesime == publication.millesime]
        assert played == list(range(1, len(alone.rounds) + 1))
        assert sum(line.startswith(f"{publication.millesime} tour ") for line in lines) == len(alone.rounds)


def test_an_error_in_one_millesime_is_raised_by_the_step(publish_run, publications):
    # 2018's cells lose a measure: its worker stops on the cells' check; the parent raises the same error
    # and 2017's worker, stopped midway, leaves none of its audit's processes behind
    broken = protect.Publication(**{**vars(publications[1]), "cells": publications[1].cells.drop(columns="etp")})
    before = children()
    with pytest.raises(SecrecyError, match="colonne absente 'etp'"):
        protect.protect_all([publications[0], broken], publish_run.secret)
    time.sleep(1)
    assert descendants_alive(before) == []


def children() -> set[int]:
    """Every process on the machine now (the test's later processes are those not in it)."""
    return {int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()}


def descendants_alive(before: set[int]) -> list[int]:
    """Processes started since `before` that are still running (not zombies) and run this test's Python."""
    alive = []
    for pid in children() - before:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if "State:\tZ" not in status and b"pytest" in command:
            alive.append(pid)
    return alive


def test_a_worker_killed_midway_stops_the_step(publish_run, publications, monkeypatch):
    real = protect.protect_publication

    def killed_for_2018(publication, *args, **kwargs):   # the forked worker inherits this replacement
        if publication.millesime == 2018:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(publication, *args, **kwargs)

    monkeypatch.setattr(protect, "protect_publication", killed_for_2018)
    with pytest.raises(RuntimeError, match=r"millésime 2018 \(code -9\) s'est arrêté sans résultat"):
        protect.protect_all(publications, publish_run.secret)

