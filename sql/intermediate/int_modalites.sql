-- Every modality of every published dimension, with its label, display order and
-- parent modality (a detail such as AQB02 sums into its parent A07, not into the
-- total); livraison_seule: a modality only INSEE's delivered tables carry, which a run
-- from establishment and job files never computes (the cells mart leaves it out).
-- Grain: dimension × modalite.
with secteurs as (
    select case typologie when 'A' then 'secteur' else 'secteur_b' end as dimension,
           code as modalite, libelle, nullif(parent, '') as parent
    from ref_secteurs_libelles
),

modalites as (
    select 'ensemble' as dimension, 'ensemble' as modalite, 'Ensemble' as libelle, null as parent,
           false as livraison_seule
    union all select dimension, modalite, libelle, parent, false from secteurs
    union all select 'taille', taille, libelle, null, false from ref_tranches_taille
    union all select 'sexe', sexe, libelle, null, false from ref_sexes
    union all select 'age', age, libelle, null, false from ref_tranches_age
    -- INSEE's BTS tables deliver 50 years and over as one band (= 50-54 + 55+): delivered tables only
    union all select 'age', '50+', '50 ans et plus', null, true
    union all select distinct 'csp', csp, libelle, null, false from ref_csp
    union all select distinct 'temps_travail', temps_travail, libelle, null, false from ref_temps_travail
    union all select distinct 'contrat', contrat, libelle, null, false from ref_contrats
),

final as (
    select dimension, modalite, libelle, parent, livraison_seule,
           row_number() over (partition by dimension order by modalite) as ordre
    from modalites
)

select * from final
