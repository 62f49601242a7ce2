-- Loaded jobs of loaded establishments, with their champ and the modalities of
-- the job attributes (age band, CSP from the first PCS digit, working time,
-- contract) taken from the reference tables. Grain: one job row.
with postes as (
    select * from stg_postes where motif is null
),

final as (
    select p.millesime, p.siret, e.siren, e.depcom, e.champ_detail,
           p.sexe, a.age as tranche_age, coalesce(c.csp, 'ouvriers') as csp,
           coalesce(t.temps_travail, 'partiel_autres') as temps_travail,
           coalesce(k.contrat, 'autres') as contrat,
           p.present_3112, p.etp, p.remuneration_brute
    from postes p
    join int_etablissements e on (e.millesime, e.siret) = (p.millesime, p.siret)
    join ref_tranches_age a on p.age between cast(a.age_min as integer) and cast(a.age_max as integer)
    left join ref_csp c on c.pcs_1 = left(p.pcs, 1)
    left join ref_temps_travail t on t.code = p.temps_travail
    left join ref_contrats k on k.code = p.contrat
)

select * from final
