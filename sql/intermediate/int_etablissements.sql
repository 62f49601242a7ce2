-- Loaded establishments, classified into the ESS perimeter (rules as reference
-- data: SIREN overrides, excluded activities, CJ list, public CJ prefixes) and
-- given their sector and size band. Grain: millesime × siret.
with etablissements as (
    select * from stg_etablissements where motif is null
),

classified as (
    select
        e.*,
        case
            when f.famille is not null then f.famille
            when p.famille is not null and x.champ is not null then x.champ
            when p.famille is not null then p.famille
            when s.champ is not null then s.champ
            else 'prive_hors_ess'
        end as champ_detail,
        case
            when f.famille is not null then 'forcage_siren'
            when p.famille is not null and x.champ is not null then 'activite_exclue'
            when p.famille is not null then 'categorie_juridique'
            when s.champ is not null then 'droit_public'
            else 'defaut'
        end as regle
    from etablissements e
    left join ref_perimetre_forcages f on f.siren = e.siren
    left join ref_perimetre_cj p on p.cj = e.cj
    left join ref_perimetre_exclusions x on e.apet like x.apet_motif
    left join ref_cj_secteur_public s on left(e.cj, 1) = s.cj_prefixe
),

final as (
    select
        c.millesime, c.siret, c.siren, c.depcom, c.apet, c.cj, c.champ_detail, c.regle,
        c.champ_detail in ('association', 'cooperative', 'mutuelle', 'fondation') as est_ess,
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
