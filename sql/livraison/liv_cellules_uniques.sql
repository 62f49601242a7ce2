-- One row per delivered cell. A cell secret in any of its versions stays secret
-- (status S, measures NULL): a duplicate never un-secrets a cell. Age 50+ (BTS
-- tranche d'âge 1) is the sum of 50-54 and 55+ (tranche d'âge 2, another table):
-- when the three are delivered for a territory × champ, one secret makes the three
-- secret, or a sum or a difference of published cells would reveal it.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
with retenues as (
    select *, dimension = 'age' and modalite in ('50+', '50-54', '55+') as age_emboite
    from liv_versions
    where rang = 1
),

protegees as (
    select *,
           secret_une_version or (age_emboite and count(*) over ages = 3 and bool_or(secret_une_version) over ages)
               as secret_cellule
    from retenues
    window ages as (partition by millesime, niveau, code, champ, age_emboite)
)

select millesime, niveau, code, libelle, champ, dimension, modalite,
       case when not secret_cellule then etablissements end as etablissements,
       case when not secret_cellule then postes end as postes,
       case when not secret_cellule then etp end as etp,
       case when not secret_cellule then remuneration_brute end as remuneration_brute,
       case when secret_cellule then 'S' else '' end as secret,
       approximatif and not secret_cellule as approximatif,
       versions, fichier, ligne
from protegees
