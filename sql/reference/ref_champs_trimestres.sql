-- The private champs of the quarterly (URSSAF) series: every leaf champ (champ_detail) with itself and
-- each champ above it (ref_champs_ancetres; labels are those of ref_champs, but for the private whole).
-- Grain: champ_detail × champ.
select champ_detail, champ, ordre
from ref_champs_ancetres
where arbre = 'trimestriel'
order by ordre_detail, hauteur
