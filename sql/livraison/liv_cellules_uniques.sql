-- One row per delivered cell. A cell secret in any of its versions stays secret
-- (status S, measures NULL): a duplicate never un-secrets a cell.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
select millesime, niveau, code, libelle, champ, dimension, modalite,
       case when not secret_une_version then etablissements end as etablissements,
       case when not secret_une_version then postes end as postes,
       case when not secret_une_version then etp end as etp,
       case when not secret_une_version then remuneration_brute end as remuneration_brute,
       case when secret_une_version then 'S' else '' end as secret,
       approximatif and not secret_une_version as approximatif,
       versions, fichier, ligne
from liv_versions
where rang = 1
