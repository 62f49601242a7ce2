-- Every modality of every published dimension, with its label, display order and
-- parent modality (a detail such as AQB02 sums into its parent A07, not into the
-- total). Grain: dimension × modalite.
with secteurs as (
    select case typologie when 'A' then 'secteur' else 'secteur_b' end as dimension,
           code as modalite, libelle, nullif(parent, '') as parent
    from ref_secteurs_libelles
),

modalites as (
    select 'ensemble' as dimension, 'ensemble' as modalite, 'Ensemble' as libelle, null as parent
    union all select dimension, modalite, libelle, parent from secteurs
    union all select 'taille', taille, libelle, null from ref_tranches_taille
    union all select 'sexe', sexe, libelle, null from ref_sexes
    union all select 'age', age, libelle, null from ref_tranches_age
    -- INSEE's BTS tables deliver 50 years and over as one band (= 50-54 + 55+): delivered tables only
    union all select 'age', '50+', '50 ans et plus', null
    union all select distinct 'csp', csp, libelle, null from ref_csp
    union all select distinct 'temps_travail', temps_travail, libelle, null from ref_temps_travail
    union all select distinct 'contrat', contrat, libelle, null from ref_contrats
),

final as (
    select dimension, modalite, libelle, parent,
           row_number() over (partition by dimension order by modalite) as ordre
    from modalites
)

select * from final
