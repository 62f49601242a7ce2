-- The enterprises (SIREN) of several private establishment × quarter lines in a quarter, and whether
-- those fall in several champs: the quarterly cells sum such an enterprise per cell before counting it
-- as one unit. Public-law employers (outside URSSAF's private scope) are left out.
-- Grain: trimestre × siren.
with lignes as (
    select t.*
    from int_trimestres t
    semi join (select distinct champ_detail from ref_champs_trimestres) c on c.champ_detail = t.champ_detail
)

select trimestre, siren, count(distinct champ_detail) > 1 as plusieurs_champs
from lignes
group by all
having count(*) > 1
