-- One row per raw establishment line: codes normalised, measures typed the way their file writes numbers
-- (raw_fichiers), flavour codes mapped (raw_correspondances), and the first broken rule in `motif`
-- (NULL = loaded). Grain: raw_etablissements.
-- `contenu` (the raw line) is kept for rejected lines only: the rejets table needs it, loaded ones do not.
with source as (
    select r.*, f.source, f.decimale, f.milliers
    from raw_etablissements r
    join raw_fichiers f using (millesime, fichier)
),

normalised as (
    select
        s.millesime,
        s.fichier,
        s.ligne,
        s.source,
        trim(s.siret) as siret_lu,
        nullif(trim(s.siren), '') as siren_declare,
        oress_depcom(s.depcom) as depcom_brut,
        oress_apet(s.apet) as apet,
        lpad(trim(s.cj), 4, '0') as cj,
        oress_nombre(s.postes, s.decimale, s.milliers) as postes_num,
        oress_nombre(s.etp, s.decimale, s.milliers) as etp,
        oress_nombre(s.remuneration_brute, s.decimale, s.milliers) as remuneration_brute,
        nullif(trim(s.denomination), '') as denomination,
        coalesce(m.code_pivot, nullif(upper(trim(s.ess_sirene)), '')) as ess_sirene,
        s.postes as postes_lu,
        s.etp as etp_lu,
        s.remuneration_brute as remuneration_lu,
        concat_ws(';', s.siret, s.siren, s.depcom, s.apet, s.cj, s.postes, s.etp, s.remuneration_brute) as contenu
    from source s
    left join raw_correspondances m
        on m.source = s.source and m.nature = 'etablissements' and m.colonne = 'ess_sirene'
       and m.code_source = upper(coalesce(trim(s.ess_sirene), ''))
),

repetes as (   -- a group-by and a join: a window would sort every wide line
    select millesime, siret_lu, count(*) as occurrences
    from normalised
    group by millesime, siret_lu
    having count(*) > 1
),

checked as (
    select
        n.*,
        c.depcom,
        coalesce(d.occurrences, 1) as occurrences,
        case
            when not regexp_full_match(coalesce(n.siret_lu, ''), '[0-9]{14}')
                then 'siret invalide : ' || coalesce(n.siret_lu, '(vide)') || ' (14 chiffres attendus)'
            when n.siren_declare is not null and n.siren_declare <> left(n.siret_lu, 9)
                then 'siren ' || n.siren_declare || ' différent des 9 premiers chiffres du siret'
            when c.depcom is null
                then 'commune inconnue du COG de référence : ' || coalesce(n.depcom_brut, '(vide)')
            when n.apet not in (select apet from ref_naf_secteurs)
                then 'code APE inconnu de la NAF rév. 2 : ' || coalesce(n.apet, '(vide)')
            when not regexp_full_match(coalesce(n.cj, ''), '[0-9]{4}')
                then 'catégorie juridique invalide : ' || coalesce(n.cj, '(vide)')
            when n.postes_num is null or n.postes_num < 0 or n.postes_num <> floor(n.postes_num)
                then 'postes non entier ou négatif : ' || coalesce(n.postes_lu, '(vide)')
            when n.etp is null or n.etp < 0
                then 'etp non numérique ou négatif : ' || coalesce(n.etp_lu, '(vide)')
            when n.remuneration_brute is null or n.remuneration_brute < 0
                then 'rémunération brute non numérique ou négative : ' || coalesce(n.remuneration_lu, '(vide)')
            when n.ess_sirene is not null and n.ess_sirene not in ('O', 'N')
                then 'ess_sirene hors de O, N ou vide : ' || n.ess_sirene
        end as motif_ligne
    from normalised n
    left join stg_communes_cog c on c.code = n.depcom_brut
    left join repetes d on d.millesime = n.millesime and d.siret_lu = n.siret_lu
),

final as (
    select
        millesime, fichier, ligne, siret_lu as siret, left(siret_lu, 9) as siren, depcom_brut, depcom, apet, cj,
        case when postes_num between 0 and 1e15 then cast(postes_num as bigint) end as postes,
        etp, remuneration_brute, denomination, ess_sirene,
        case when motif_ligne is not null or occurrences > 1 then contenu end as contenu,
        coalesce(
            motif_ligne,
            case when occurrences > 1
                then 'siret en double dans le millésime (' || occurrences || ' lignes, aucune retenue)' end
        ) as motif,
        source
    from checked
)

select * from final
