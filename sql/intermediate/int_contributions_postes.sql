-- Each establishment once per modality of each job attribute where it has at
-- least one job: postes (jobs present at 31/12), ETP and rémunérations summed
-- over those jobs. Grain: millesime × siret × dimension × modalite.
with postes as (
    select * from int_postes
),

modalites as (
    select *, 'sexe' as dimension, sexe as modalite from postes
    union all select *, 'age', tranche_age from postes
    union all select *, 'csp', csp from postes
    union all select *, 'temps_travail', temps_travail from postes
    union all select *, 'contrat', contrat from postes
),

final as (
    select millesime, siret, siren, depcom, champ_detail, dimension, modalite,
           cast(sum(present_3112) as bigint) as postes, sum(etp) as etp,
           sum(remuneration_brute) as remuneration_brute
    from modalites
    group by all
)

select * from final
