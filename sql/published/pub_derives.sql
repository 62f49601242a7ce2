-- Derived indicators, computed only from published cells: pub_indicateurs holds
-- NULL measures for every secret cell, so any ratio, gap, rank or change that
-- would use one is NULL. Shares are in %, gaps in points. France comparisons use
-- the national reference input (ref_references_nationales), never the run's data.
-- Gaps and ranks are on employment (postes), the measure publications compare.
-- Each family of indicators is its own model: pub_parts, pub_comparaisons (gaps from pub_references, ranks),
-- pub_evolutions; the average wage per ETP is computed here.
-- Grain: millesime × territory × champ × dimension × modalite × indicateur × mesure × reference.
with salaire as (
    select c.millesime, c.niveau, c.code, c.libelle, c.champ, c.dimension, c.modalite,
           'salaire_moyen_etp' as indicateur, 'remuneration_brute' as mesure,
           c.remuneration_brute / nullif(c.etp, 0) as valeur, '€ par ETP' as unite,
           null::varchar as reference, null::double as valeur_reference, false as rupture
    from pub_indicateurs c
)

select millesime, niveau, code, libelle, champ, dimension, modalite, indicateur, mesure,
       part as valeur, '%' as unite, null::varchar as reference, null::double as valeur_reference,
       false as rupture
from pub_parts
union all select * from salaire
union all select * from pub_comparaisons
union all select * from pub_evolutions
