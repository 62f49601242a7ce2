-- The enterprises (SIREN) of several loaded establishments in a millésime, and whether those fall in
-- several champs: the cells sum such an enterprise per cell before counting it as one unit.
-- Grain: millesime × siren.
select millesime, siren, count(distinct champ_detail) > 1 as plusieurs_champs
from int_etablissements
group by all
having count(*) > 1
