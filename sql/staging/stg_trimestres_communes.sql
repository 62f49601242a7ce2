-- One row per raw line of URSSAF's public commune × APE file (no siret, no catégorie juridique): the
-- private-sector total by commune and quarter, used only as a denominator. First broken rule in `motif`.
-- Grain: raw_trimestres_communes.
with source as (
    select r.*, f.decimale, f.milliers
    from raw_trimestres_communes r
    join raw_fichiers f using (millesime, fichier)
),

normalised as (
    select
        s.millesime,
        s.fichier,
        s.ligne,
        oress_depcom(s.depcom) as depcom_brut,
        oress_apet(s.apet) as apet,
        s.trimestre as trimestre_lu,
        oress_trimestre(s.trimestre) as trimestre,
        s.effectif as effectif_lu,
        oress_nombre(s.effectif, s.decimale, s.milliers) as effectif_num,
        s.masse_salariale as masse_lu,
        oress_nombre(s.masse_salariale, s.decimale, s.milliers) as masse_salariale,
        s.etablissements as etablissements_lu,
        oress_nombre(s.etablissements, s.decimale, s.milliers) as etablissements_num,
        concat_ws(';', s.depcom, s.apet, s.trimestre, s.effectif, s.masse_salariale, s.etablissements) as contenu
    from source s
),

checked as (
    select
        n.*,
        c.depcom,
        count(*) over (partition by n.millesime, c.depcom, n.apet, n.trimestre) as occurrences,
        case
            when c.depcom is null
                then 'commune inconnue du COG de référence : ' || coalesce(n.depcom_brut, '(vide)')
            when n.apet not in (select apet from ref_naf_secteurs)
                then 'code APE inconnu de la NAF rév. 2 : ' || coalesce(n.apet, '(vide)')
            when n.trimestre is null
                then 'trimestre illisible : ' || coalesce(n.trimestre_lu, '(vide)')
            when left(n.trimestre, 4) <> cast(n.millesime as varchar)
                then 'trimestre ' || n.trimestre || ' hors de l''année du dossier ' || n.millesime
            when n.effectif_num is null or n.effectif_num < 0 or n.effectif_num <> floor(n.effectif_num)
                then 'effectif non entier ou négatif : ' || coalesce(n.effectif_lu, '(vide)')
            when n.masse_lu is not null and trim(n.masse_lu) <> ''
                 and (n.masse_salariale is null or n.masse_salariale < 0)
                then 'masse salariale non numérique ou négative : ' || n.masse_lu
        end as motif_ligne
    from normalised n
    left join stg_communes_cog c on c.code = n.depcom_brut
)

select
    cast(millesime as integer) as millesime, fichier, cast(ligne as bigint) as ligne, depcom, apet, trimestre,
    case when effectif_num between 0 and 1e15 then cast(effectif_num as bigint) end as effectif, masse_salariale,
    case when etablissements_num between 0 and 1e15 then cast(etablissements_num as bigint) end as etablissements,
    case when motif_ligne is not null or occurrences > 1 then contenu end as contenu,
    coalesce(motif_ligne, case when occurrences > 1
        then 'commune × APE en double pour le trimestre ' || trimestre || ' (' || occurrences
             || ' lignes, aucune retenue)' end) as motif
from checked
