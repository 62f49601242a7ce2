-- Each establishment once per modality of each job attribute where it has at
-- least one job: postes (jobs present at 31/12), ETP and rémunérations summed
-- over those jobs. Loaded jobs of loaded establishments only; the modalities come
-- from the reference tables (age band, CSP from the first PCS digit, working time,
-- contract). One pass over the job lines with a grouping set per attribute:
-- 25 M job rows nationally are neither copied nor unpivoted.
-- Grain: millesime × siret × dimension × modalite.
with ages as (   -- one row per age: an equality join, not a range join, over the job lines
    select unnest(generate_series(cast(age_min as integer), cast(age_max as integer))) as age, age as tranche_age
    from ref_tranches_age
),

emplois as (
    select p.millesime, p.siret, p.sexe, a.tranche_age, coalesce(c.csp, 'ouvriers') as csp,
           coalesce(t.temps_travail, 'partiel_autres') as temps_travail, coalesce(k.contrat, 'autres') as contrat,
           p.present_3112, p.etp, p.remuneration_brute
    from stg_postes p
    join ages a on a.age = p.age
    left join ref_csp c on c.pcs_1 = left(p.pcs, 1)
    left join ref_temps_travail t on t.code = p.temps_travail
    left join ref_contrats k on k.code = p.contrat
    where p.motif is null
),

par_modalite as (
    select millesime, siret,
           case when grouping(sexe) = 0 then 'sexe'
                when grouping(tranche_age) = 0 then 'age'
                when grouping(csp) = 0 then 'csp'
                when grouping(temps_travail) = 0 then 'temps_travail'
                else 'contrat' end as dimension,
           coalesce(sexe, tranche_age, csp, temps_travail, contrat) as modalite,
           cast(sum(present_3112) as bigint) as postes, sum(etp) as etp, sum(remuneration_brute) as remuneration_brute
    from emplois
    group by grouping sets ((millesime, siret, sexe), (millesime, siret, tranche_age), (millesime, siret, csp),
                            (millesime, siret, temps_travail), (millesime, siret, contrat))
),

final as (
    select m.millesime, m.siret, e.siren, e.depcom, e.champ_detail, m.dimension, m.modalite,
           m.postes, m.etp, m.remuneration_brute
    from par_modalite m
    join int_etablissements e on e.millesime = m.millesime and e.siret = m.siret
)

select * from final
