-- Loaded establishments, classified into the ESS perimeter (int_classification)
-- and given their sector and size band. Grain: millesime × siret.
with etablissements as (
    select * from stg_etablissements where motif is null
),

classified as (
    select e.*, k.champ_detail, k.regle
    from etablissements e
    join int_classification k using (siren, cj, apet)
),

final as (
    select
        c.millesime, c.siret, c.siren, c.depcom, c.apet, c.cj, c.champ_detail, c.regle,
        c.champ_detail in (select champ_detail from ref_champs_agregation where champ = 'ess') as est_ess,
        n.secteur_a, n.secteur_a_detail, n.secteur_b, n.secteur_b_detail,
        t.taille,
        c.postes, c.etp, c.remuneration_brute, c.denomination, c.ess_sirene
    from classified c
    join ref_naf_secteurs n on n.apet = c.apet
    join ref_tranches_taille t
        on c.postes >= cast(t.postes_min as integer)
       and (t.postes_max is null or c.postes <= cast(t.postes_max as integer))
)

select * from final
