-- Loaded establishment × quarter lines, classified into the ESS perimeter by the same reference rules as
-- the annual establishments (int_etablissements: SIREN overrides, excluded activities, CJ list, public
-- CJ prefixes), on the CJ and APE staging attached. Public-law employers keep champ_detail 'public':
-- URSSAF's series cover private employers, so the quarterly marts leave them out (counted in checks).
-- Grain: millesime × siret × trimestre.
with trimestres as (
    select * from stg_trimestres where motif is null
),

classified as (
    select
        t.*,
        case
            when f.famille is not null then f.famille
            when p.famille is not null and x.champ is not null then x.champ
            when p.famille is not null then p.famille
            when s.champ is not null then s.champ
            else 'prive_hors_ess'
        end as champ_detail
    from trimestres t
    left join ref_perimetre_forcages f on f.siren = t.siren
    left join ref_perimetre_cj p on p.cj = t.cj
    left join ref_perimetre_exclusions x on t.apet like x.apet_motif
    left join ref_cj_secteur_public s on left(t.cj, 1) = s.cj_prefixe
),

final as (
    select millesime, siret, siren, trimestre, annee, numero_trimestre, depcom, apet, cj, origine_cj,
           champ_detail, champ_detail in ('association', 'cooperative', 'mutuelle', 'fondation') as est_ess,
           effectif, masse_salariale
    from classified
)

select * from final
