-- Every leaf champ (champ_detail) of the annual tree with itself and each champ above it: the roll-up
-- the marts join (ref_champs_ancetres). Grain: champ_detail × champ.
select champ_detail, champ
from ref_champs_ancetres
where arbre = 'annuel'
order by ordre_detail, hauteur
