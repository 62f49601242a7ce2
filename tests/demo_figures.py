"""Figures of raw demo extracts computed straight from the files with DuckDB and the reference perimeter
(the rules of sql/intermediate/int_classification.sql over data/reference), for tests/test_demo.py and
bench/bench_demo.py. Lines a real run rejects (siret not 14 digits, negative postes) are left out."""
from __future__ import annotations

from pathlib import Path

import duckdb

from oress.config import GEO_DIR, REFERENCE_DIR

CLASSIFIED = """
create or replace temp table etab as
with raw as (
    select * from read_csv('{folder}/etablissements.csv', delim=';', header=true, all_varchar=true)
),
loaded as (
    select siret, left(siret, 9) as siren, depcom as depcom_brut, replace(apet, '.', '') as apet, cj,
           cast(postes as bigint) as postes, cast(etp as double) as etp,
           cast(remuneration_brute as double) as remuneration_brute
    from raw where regexp_full_match(siret, '[0-9]{{14}}') and cast(postes as bigint) >= 0
),
anciennes as (
    select code_ancien, depcom from read_csv('{geo}/communes_anciennes.csv', delim=';', all_varchar=true)
    where type = 'ancienne'
),
communes as (select depcom, dep, epci from read_csv('{geo}/communes.csv', delim=';', all_varchar=true)),
perimetre as (select cj, famille from read_csv('{ref}/perimetre_e12b.csv', delim=';', all_varchar=true)),
exclusions as (select apet_motif, champ from read_csv('{ref}/perimetre_e12b_exclusions.csv', delim=';',
                                                       all_varchar=true)),
forcages as (select siren, famille from read_csv('{ref}/perimetre_e12b_forcages.csv', delim=';',
                                                 all_varchar=true)),
codes as (
    select depcom as code, depcom from communes
    union all
    select code_ancien, min(depcom) from anciennes where code_ancien not in (select depcom from communes)
    group by code_ancien
)
select l.*, c.depcom, c.dep, c.epci,
       case when f.famille is not null then f.famille
            when p.famille is not null and x.champ is not null then x.champ
            when p.famille is not null then p.famille
            when left(l.cj, 1) in ('4', '7') then 'public'
            else 'prive_hors_ess' end as champ
from loaded l
join codes k on k.code = l.depcom_brut
join communes c on c.depcom = k.depcom
left join forcages f on f.siren = l.siren
left join perimetre p on p.cj = l.cj
left join exclusions x on l.apet like x.apet_motif;

create or replace temp table poste as
select p.*, e.champ, e.dep,
       case when e.champ in ('association', 'cooperative', 'mutuelle', 'fondation') then 'ess' else e.champ
       end as groupe
from read_csv('{folder}/postes.csv', delim=';', header=true,
              types={{'siret': 'VARCHAR', 'pcs': 'VARCHAR', 'age': 'INTEGER'}}) p
join etab e using (siret)
where p.age between 14 and 80;
"""


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(CLASSIFIED.format(folder=folder, geo=GEO_DIR, ref=REFERENCE_DIR))
    return connection


def by_champ(connection, level: str = "dep") -> dict:
    """(territory, champ) → (établissements, postes, etp, rémunérations) for the six champs, ess and
    ensemble; level 'dep', 'epci' or 'region' (code '28')."""
    key = "'28'" if level == "region" else level
    rows = connection.execute(f"""
        with detail as (select {key} as code, champ, count(*) n, sum(postes) p, sum(etp) e,
                               sum(remuneration_brute) r from etab group by all),
        ess as (select code, 'ess', sum(n), sum(p), sum(e), sum(r) from detail
                where champ in ('association', 'cooperative', 'mutuelle', 'fondation') group by code),
        ensemble as (select code, 'ensemble', sum(n), sum(p), sum(e), sum(r) from detail group by code)
        select * from detail union all select * from ess union all select * from ensemble""").fetchall()
    return {(code, champ): (n, p, e, r) for code, champ, n, p, e, r in rows}


def profile(connection) -> dict:
    """(groupe, dimension, modalité) → share (%) of jobs present at 31/12; ('groupe', 'salaire_etp', …)."""
    rows = connection.execute("""
        with present as (select *, case when age < 30 then '<30' when age < 40 then '30-39'
                                        when age < 50 then '40-49' else '50+' end as age4
                         from poste where present_3112 = 1),
        shares as (
            select groupe, 'sexe' as dimension, cast(sexe as varchar) as modalite, count(*) as n
            from present group by all
            union all select groupe, 'age', age4, count(*) from present group by all
            union all select groupe, 'age', '55+', count(*) from present where age >= 55 group by all
            union all select groupe, 'temps_travail', case when temps_travail = 'C' then 'complet'
                                                           else 'partiel_autres' end, count(*) from present group by all
            union all select groupe, 'contrat', case when contrat in ('CDI', 'CDD') then contrat else 'autres' end,
                             count(*) from present group by all
            union all select groupe, 'csp', case left(pcs, 1) when '2' then 'cadres' when '3' then 'cadres'
                                                 when '4' then 'prof_intermediaires' when '5' then 'employes'
                                                 else 'ouvriers' end, count(*) from present group by all)
        select s.groupe, dimension, modalite, 100.0 * n / t.total
        from shares s join (select groupe, count(*) as total from present group by all) t using (groupe)
        union all
        select groupe, 'salaire_etp', 'ensemble', sum(remuneration_brute) / sum(etp) from poste group by all
    """).fetchall()
    return {(g, d, m): v for g, d, m, v in rows}
