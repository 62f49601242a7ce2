-- The cells of the publication from INSEE's tables, before their statuses apply: liv_indicateurs with its
-- extension column approximatif, in key order (ordre).
-- Grain: millesime × niveau × code × champ × dimension × modalite.
select millesime, niveau, code, libelle, champ, dimension, modalite, etablissements, postes, etp, remuneration_brute,
       approximatif, row_number() over (order by millesime, niveau, code, champ, dimension, modalite) as ordre
from liv_indicateurs
