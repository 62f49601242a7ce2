-- The cells of the publication from establishment files, before secrecy: every cell of mart_cellules, the
-- unpublished atoms included (oress protect gives each cell a status, the atoms too), with its true measures,
-- in the mart's order (ordre: the mart's row id). INSEE's tables have their own, in sql/livraison.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
select millesime, niveau, code, libelle, champ, dimension, modalite, etablissements, postes, etp, remuneration_brute,
       rowid as ordre
from mart_cellules
