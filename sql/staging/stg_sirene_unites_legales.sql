-- One row per raw line of the SIRENE legal-unit stock (StockUniteLegale): catégorie juridique padded,
-- SIRENE's ESS flag, and the first broken rule in `motif` (NULL = loaded). Register data: no employment
-- measure here. Grain: raw_sirene_unites_legales.
with normalised as (
    select
        millesime,
        fichier,
        ligne,
        trim(siren) as siren_lu,
        lpad(trim(cj), 4, '0') as cj,
        nullif(upper(trim(ess_sirene)), '') as ess_sirene,
        nullif(upper(trim(etat_administratif)), '') as etat_administratif,
        nullif(trim(denomination), '') as denomination,
        concat_ws(';', siren, cj, ess_sirene, etat_administratif) as contenu
    from raw_sirene_unites_legales
),

checked as (
    select
        *,
        count(*) over (partition by millesime, siren_lu) as occurrences,
        case
            when not regexp_full_match(coalesce(siren_lu, ''), '[0-9]{9}')
                then 'siren invalide : ' || coalesce(siren_lu, '(vide)') || ' (9 chiffres attendus)'
            when not regexp_full_match(coalesce(cj, ''), '[0-9]{4}')
                then 'catégorie juridique invalide : ' || coalesce(cj, '(vide)')
            when ess_sirene is not null and ess_sirene not in ('O', 'N')
                then 'economieSocialeSolidaireUniteLegale hors de O, N ou vide : ' || ess_sirene
        end as motif_ligne
    from normalised
)

select
    cast(millesime as integer) as millesime, fichier, cast(ligne as bigint) as ligne, siren_lu as siren, cj,
    ess_sirene, etat_administratif, denomination,
    case when motif_ligne is not null or occurrences > 1 then contenu end as contenu,
    coalesce(
        motif_ligne,
        case when occurrences > 1
            then 'siren en double dans le stock (' || occurrences || ' lignes, aucune retenue)' end
    ) as motif
from checked
