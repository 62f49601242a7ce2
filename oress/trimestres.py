"""Statistical secrecy on the quarterly (URSSAF-like) cells of mart_trimestres → pub_trimestres_secret.

The same engine as the annual cells (oress.secrecy): primary rules on SIREN contributions, the
equations of the whole publication (the private champ tree within a territory × quarter; every
territory = the disjoint union of the largest smaller territories inside it, communes included),
the global suppression MILP and the attacker audit, with the quarterly measures (établissements,
effectif, masse salariale) and their protection minima as parameters (oress.secrecy.QUARTERLY).
"""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from oress.classifications import read_tree
from oress.config import SecretRules
from oress.protect import write_statuses
from oress.secrecy import KEY, QUARTERLY, build_equations, suppress

QUARTERLY_TREE = "ref_champs_trimestres_arbre"


def protect_cells(cells: pd.DataFrame, membership: pd.DataFrame, rules: SecretRules,
                  champ_parts: dict[str, tuple[str, ...]], log: Callable[[str], None] | None = None) -> pd.Series:
    """The secret status ('', 'A', 'B', 'D') of each quarterly cell, aligned on `cells`' index; `champ_parts`:
    the quarterly tree (each champ → its children)."""
    quarters = cells[["dimension", "modalite"]].drop_duplicates().assign(parent=None)
    equations = build_equations(cells, membership, quarters, measures=QUARTERLY, champ_parts=champ_parts)
    # the note's headline is each territory's ensemble privé: its detail gives way first
    protection = suppress(cells.assign(titre=cells["champ"] == "ensemble_prive"), equations, rules,
                          mip_rel_gap=1e-2, log=log)
    keyed = cells[list(KEY)].astype({c: str for c in KEY if c != "millesime"})
    status = keyed.merge(protection.cells[[*KEY, "secret"]], on=list(KEY), how="left")["secret"]
    return status.set_axis(cells.index)


def build_published(connection, rules: SecretRules, log: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write pub_trimestres_secret, the status of every cell of mart_trimestres, and return the count of cells per
    status; sql/conjoncture/pub_trimestres.sql applies the statuses to the mart's cells."""
    cells = connection.execute("select * from mart_trimestres order by millesime, niveau, code, champ, modalite").df()
    cells["secret"] = ""
    if len(cells):
        membership = connection.execute("select niveau, code, depcom from ref_territoire_commune").df()
        parts = read_tree(connection, QUARTERLY_TREE).parts()
        cells["secret"] = protect_cells(cells, membership, rules, parts, log)
    write_statuses(connection, "pub_trimestres_secret", [cells])
    counts = cells["secret"].replace("", "publie").value_counts()
    return {status: int(n) for status, n in sorted(counts.items())}
