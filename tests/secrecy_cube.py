"""Contract cells from hand-written contributions, for the secrecy tests and bench (the warehouse
marts do the same in sql/marts): enterprises (SIREN) as units, dominance on SIREN totals."""
from __future__ import annotations

import duckdb
import pandas as pd

FAMILIES = ("association", "cooperative", "mutuelle", "fondation")
CHAMPS = [(f, f) for f in FAMILIES + ("public", "prive_hors_ess")] + \
         [(f, "ess") for f in FAMILIES] + [(f, "hors_ess") for f in ("public", "prive_hors_ess")] + \
         [(f, "ensemble") for f in FAMILIES + ("public", "prive_hors_ess")]

CUBE_SQL = """
with units as (
    select c.millesime, t.niveau, t.code, a.champ, c.dimension, c.modalite, c.siren,
           count(distinct c.siret) as etablissements, sum(c.postes) as postes, sum(c.etp) as etp,
           sum(c.remuneration_brute) as remuneration_brute
    from contributions c
    join membership t on t.depcom = c.depcom
    join champs a on a.champ_detail = c.champ_detail
    {champ_filter}
    group by all
),
cells as (
    select millesime, niveau, code, champ, dimension, modalite,
           sum(etablissements)::bigint as etablissements, sum(postes)::double as postes, sum(etp) as etp,
           sum(remuneration_brute) as remuneration_brute, count(*) as nb_unites,
           max(postes) / nullif(sum(postes), 0) as part_max_postes,
           max(etp) / nullif(sum(etp), 0) as part_max_etp,
           max(remuneration_brute) / nullif(sum(remuneration_brute), 0) as part_max_remuneration
    from units group by all
),
grid as (
    select y.millesime, t.niveau, t.code, k.champ, k.dimension, k.modalite
    from (select distinct millesime from cells) y
    cross join (select distinct niveau, code from cells) t
    cross join (select distinct champ, dimension, modalite from cells) k
)
select g.millesime, g.niveau, g.code, g.champ, g.dimension, g.modalite,
       coalesce(c.etablissements, 0) as etablissements, coalesce(c.postes, 0) as postes,
       coalesce(c.etp, 0) as etp, coalesce(c.remuneration_brute, 0) as remuneration_brute,
       coalesce(c.nb_unites, 0) as nb_unites, c.part_max_postes, c.part_max_etp, c.part_max_remuneration
from {source} g left join cells c using (millesime, niveau, code, champ, dimension, modalite)
order by all
"""


def cube(contributions: pd.DataFrame, membership: pd.DataFrame, champs: tuple[str, ...] | None = None,
         zero_fill: bool = True) -> pd.DataFrame:
    """Cells for every territory × champ × (dimension, modalité) of `contributions`.

    contributions: millesime, siren, siret, depcom, champ_detail, dimension, modalite, postes, etp,
    remuneration_brute (one row per establishment and cell of its own: ensemble/ensemble, its
    sector, its size band, its job attributes). zero_fill adds the empty cells of the grid.
    """
    champ_table = pd.DataFrame(CHAMPS, columns=["champ_detail", "champ"])
    champ_filter = f"where a.champ in ({', '.join(repr(c) for c in champs)})" if champs else ""
    with duckdb.connect() as connection:
        connection.register("contributions", contributions)
        connection.register("membership", membership)
        connection.register("champs", champ_table)
        sql = CUBE_SQL.format(champ_filter=champ_filter, source="grid" if zero_fill else "cells")
        return connection.execute(sql).df()
