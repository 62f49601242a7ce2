-- One row per raw line of the quarterly extracts (URSSAF-like: establishment × quarter), codes and
-- quarter normalised, measures typed, and the first broken rule in `motif` (NULL = loaded).
-- The extract seldom carries the catégorie juridique (URSSAF does not publish it): it is looked up here,
-- in the establishment file of the same or nearest millésime, else in the SIRENE stock, because a line
-- whose legal category cannot be known cannot be classified and must be rejected with that reason.
-- Commune and APE missing from the extract come from the same annual line. Grain: raw_trimestres.
-- `contenu` (the raw line) is kept for rejected lines only: the rejets table needs it, loaded ones do not.
with source as (
    select r.*, f.source, f.decimale, f.milliers
    from raw_trimestres r
    join raw_fichiers f using (millesime, fichier)
),

normalised as (
    select
        s.millesime,
        s.fichier,
        s.ligne,
        trim(s.siret) as siret_lu,
        s.trimestre as trimestre_lu,
        oress_trimestre(s.trimestre) as trimestre,
        coalesce(try_cast(left(oress_trimestre(s.trimestre), 4) as integer), s.millesime) as annee_cherchee,
        nullif(oress_depcom(s.depcom), '') as depcom_brut,
        nullif(oress_apet(s.apet), '') as apet_extrait,
        nullif(lpad(trim(s.cj), 4, '0'), '0000') as cj_extrait,
        s.effectif as effectif_lu,
        oress_nombre(s.effectif, s.decimale, s.milliers) as effectif_num,
        s.masse_salariale as masse_lu,
        oress_nombre(s.masse_salariale, s.decimale, s.milliers) as masse_salariale,
        concat_ws(';', s.siret, s.trimestre, s.effectif, s.masse_salariale, s.apet, s.depcom, s.cj) as contenu
    from source s
),

annuels as (   -- every loaded annual description of an establishment, from both registers
    select millesime, siret, cj, depcom, apet, 1 as rang_source from stg_etablissements where motif is null
    union all
    select millesime, siret, cj, depcom, apet, 2 from stg_sirene where motif is null and cj is not null
),

recherches as (   -- one lookup per establishment and year, not per quarterly line
    select distinct siret_lu, annee_cherchee from normalised
),

plus_proche as (   -- the nearest millésime to the quarter's year; ties: establishment file, then the later
    select r.siret_lu, r.annee_cherchee, a.millesime as millesime_annuel, a.rang_source, a.cj, a.depcom, a.apet
    from recherches r
    join annuels a on a.siret = r.siret_lu
    qualify row_number() over (
        partition by r.siret_lu, r.annee_cherchee
        order by abs(a.millesime - r.annee_cherchee), a.rang_source, a.millesime desc) = 1
),

repetes as (   -- a group-by and a join: a window would sort every wide line
    select millesime, siret_lu, trimestre, count(*) as occurrences
    from normalised
    group by millesime, siret_lu, trimestre
    having count(*) > 1
),

checked as (
    select
        n.*,
        coalesce(n.cj_extrait, p.cj) as cj,
        coalesce(c.depcom, case when n.depcom_brut is null then p.depcom end) as depcom,
        coalesce(n.apet_extrait, p.apet) as apet,
        case when n.cj_extrait is not null then 'extrait'
             when p.rang_source = 1 then 'etablissements ' || p.millesime_annuel
             when p.rang_source = 2 then 'sirene ' || p.millesime_annuel end as origine_cj,
        coalesce(d.occurrences, 1) as occurrences,
        case
            when not regexp_full_match(coalesce(n.siret_lu, ''), '[0-9]{14}')
                then 'siret invalide : ' || coalesce(n.siret_lu, '(vide)') || ' (14 chiffres attendus)'
            when n.trimestre is null
                then 'trimestre illisible : ' || coalesce(n.trimestre_lu, '(vide)')
                     || ' (attendu 2024T3, 2024-T3, T3 2024 ou une date)'
            when left(n.trimestre, 4) <> cast(n.millesime as varchar)
                then 'trimestre ' || n.trimestre || ' hors de l''année du dossier ' || n.millesime
                     || ' (le placer dans le dossier ' || left(n.trimestre, 4) || ')'
            when n.effectif_num is null or n.effectif_num < 0 or n.effectif_num <> floor(n.effectif_num)
                then 'effectif non entier ou négatif : ' || coalesce(n.effectif_lu, '(vide)')
            when n.masse_salariale is null or n.masse_salariale < 0
                then 'masse salariale non numérique ou négative : ' || coalesce(n.masse_lu, '(vide)')
            when n.depcom_brut is not null and c.depcom is null
                then 'commune inconnue du COG de référence : ' || n.depcom_brut
            when n.apet_extrait is not null and n.apet_extrait not in (select apet from ref_naf_secteurs)
                then 'code APE inconnu de la NAF rév. 2 : ' || n.apet_extrait
            when n.cj_extrait is not null and not regexp_full_match(n.cj_extrait, '[0-9]{4}')
                then 'catégorie juridique invalide : ' || n.cj_extrait
            when coalesce(n.cj_extrait, p.cj) is null
                then 'siret absent du fichier des établissements et du stock SIRENE chargés : catégorie '
                     || 'juridique inconnue, établissement non classable'
            when coalesce(c.depcom, p.depcom) is null
                then 'commune absente de l''extrait et du fichier des établissements'
            when coalesce(n.apet_extrait, p.apet) is null
                then 'code APE absent de l''extrait et du fichier des établissements'
        end as motif_ligne
    from normalised n
    left join plus_proche p on p.siret_lu = n.siret_lu and p.annee_cherchee = n.annee_cherchee
    left join repetes d on d.millesime = n.millesime and d.siret_lu = n.siret_lu and d.trimestre = n.trimestre
    left join stg_communes_cog c on c.code = n.depcom_brut
),

final as (
    select
        cast(millesime as integer) as millesime, fichier, cast(ligne as bigint) as ligne, siret_lu as siret,
        left(siret_lu, 9) as siren, trimestre, cast(left(trimestre, 4) as integer) as annee,
        cast(right(trimestre, 1) as integer) as numero_trimestre, depcom, apet, cj, origine_cj,
        case when effectif_num between 0 and 1e15 then cast(effectif_num as bigint) end as effectif,
        masse_salariale,
        case when motif_ligne is not null or occurrences > 1 then contenu end as contenu,
        coalesce(
            motif_ligne,
            case when occurrences > 1
                then 'siret en double pour le trimestre ' || trimestre || ' (' || occurrences
                     || ' lignes, aucune retenue)' end
        ) as motif
    from checked
)

select * from final
