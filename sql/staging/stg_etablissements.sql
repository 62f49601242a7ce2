-- One row per raw establishment line: codes normalised, measures typed, and the
-- first broken rule in `motif` (NULL = loaded). Grain: raw_etablissements.
with source as (
    select * from raw_etablissements
),

normalised as (
    select
        millesime,
        fichier,
        ligne,
        trim(siret) as siret,
        nullif(trim(siren), '') as siren_declare,
        upper(replace(trim(depcom), ' ', '')) as depcom_brut,
        upper(replace(replace(trim(apet), '.', ''), ' ', '')) as apet,
        lpad(trim(cj), 4, '0') as cj,
        try_cast(replace(replace(trim(postes), ' ', ''), ',', '.') as double) as postes_num,
        try_cast(replace(replace(trim(etp), ' ', ''), ',', '.') as double) as etp,
        try_cast(replace(replace(trim(remuneration_brute), ' ', ''), ',', '.') as double) as remuneration_brute,
        nullif(trim(denomination), '') as denomination,
        nullif(upper(trim(ess_sirene)), '') as ess_sirene,
        concat_ws(';', siret, siren, depcom, apet, cj, postes, etp, remuneration_brute) as contenu
    from source
),

communes as (
    select depcom as code, depcom from ref_communes
    union all
    select code_ancien, depcom from ref_communes_anciennes
),

checked as (
    select
        n.*,
        c.depcom,
        count(*) over (partition by n.millesime, n.siret) as occurrences,
        case
            when not regexp_full_match(coalesce(n.siret, ''), '[0-9]{14}')
                then 'siret invalide : ' || coalesce(n.siret, '(vide)') || ' (14 chiffres attendus)'
            when n.siren_declare is not null and n.siren_declare <> left(n.siret, 9)
                then 'siren ' || n.siren_declare || ' différent des 9 premiers chiffres du siret'
            when c.depcom is null
                then 'commune inconnue du COG de référence : ' || coalesce(n.depcom_brut, '(vide)')
            when n.apet not in (select apet from ref_naf_secteurs)
                then 'code APE inconnu de la NAF rév. 2 : ' || coalesce(n.apet, '(vide)')
            when not regexp_full_match(coalesce(n.cj, ''), '[0-9]{4}')
                then 'catégorie juridique invalide : ' || coalesce(n.cj, '(vide)')
            when n.postes_num is null or n.postes_num < 0 or n.postes_num <> floor(n.postes_num)
                then 'postes non entier ou négatif'
            when n.etp is null or n.etp < 0
                then 'etp non numérique ou négatif'
            when n.remuneration_brute is null or n.remuneration_brute < 0
                then 'rémunération brute non numérique ou négative'
            when n.ess_sirene is not null and n.ess_sirene not in ('O', 'N')
                then 'ess_sirene hors de O, N ou vide : ' || n.ess_sirene
        end as motif_ligne
    from normalised n
    left join communes c on c.code = n.depcom_brut
),

final as (
    select
        millesime, fichier, ligne, siret, left(siret, 9) as siren, depcom_brut, depcom, apet, cj,
        cast(postes_num as bigint) as postes, etp, remuneration_brute, denomination, ess_sirene, contenu,
        coalesce(
            motif_ligne,
            case when occurrences > 1
                then 'siret en double dans le millésime (' || occurrences || ' lignes, aucune retenue)' end
        ) as motif
    from checked
)

select * from final
