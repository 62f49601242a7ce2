-- Each establishment once per modality of each job attribute where it has at
-- least one job: postes (jobs present at 31/12), ETP and rémunérations summed
-- over those jobs. Loaded jobs of loaded establishments only; the modalities come
-- from the reference tables (age band, CSP from the first PCS digit, working time,
-- contract). Jobs are first summed per establishment and combination of
-- attributes, straight from staging: 25 M job rows nationally are never copied.
-- Grain: millesime × siret × dimension × modalite.
with emplois as (
    select p.millesime, p.siret, p.sexe, a.age as tranche_age, coalesce(c.csp, 'ouvriers') as csp,
           coalesce(t.temps_travail, 'partiel_autres') as temps_travail, coalesce(k.contrat, 'autres') as contrat,
           p.present_3112, p.etp, p.remuneration_brute
    from stg_postes p
    join ref_tranches_age a on p.age between cast(a.age_min as integer) and cast(a.age_max as integer)
    left join ref_csp c on c.pcs_1 = left(p.pcs, 1)
    left join ref_temps_travail t on t.code = p.temps_travail
    left join ref_contrats k on k.code = p.contrat
    where p.motif is null
),

combinaisons as (
    select millesime, siret, sexe, tranche_age, csp, temps_travail, contrat,
           sum(present_3112) as postes, sum(etp) as etp, sum(remuneration_brute) as remuneration_brute
    from emplois
    group by all
),

modalites as (
    select *, 'sexe' as dimension, sexe as modalite from combinaisons
    union all select *, 'age', tranche_age from combinaisons
    union all select *, 'csp', csp from combinaisons
    union all select *, 'temps_travail', temps_travail from combinaisons
    union all select *, 'contrat', contrat from combinaisons
),

par_modalite as (
    select millesime, siret, dimension, modalite, cast(sum(postes) as bigint) as postes, sum(etp) as etp,
           sum(remuneration_brute) as remuneration_brute
    from modalites
    group by all
),

final as (
    select m.millesime, m.siret, e.siren, e.depcom, e.champ_detail, m.dimension, m.modalite,
           m.postes, m.etp, m.remuneration_brute
    from par_modalite m
    join int_etablissements e on e.millesime = m.millesime and e.siret = m.siret
)

select * from final
