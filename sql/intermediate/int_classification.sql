-- The ESS perimeter as one classification of each (siren, cj, apet) met in the
-- establishment extract, the active SIRENE register or the quarterly extract, so that all are
-- classified by the same rules (reference data: SIREN overrides, excluded
-- activities, CJ list, public CJ prefixes). Grain: siren × cj × apet.
with cles as (
    select distinct siren, cj, apet from stg_etablissements where motif is null
    union
    select distinct siren, cj, apet from stg_sirene where motif is null and actif
    union
    select distinct siren, cj, apet from stg_trimestres where motif is null
),

final as (
    select
        k.siren, k.cj, k.apet,
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
    from cles k
    left join ref_perimetre_forcages f on f.siren = k.siren
    left join ref_perimetre_cj p on p.cj = k.cj
    left join ref_perimetre_exclusions x on k.apet like x.apet_motif
    left join ref_cj_secteur_public s on left(k.cj, 1) = s.cj_prefixe
)

select * from final
