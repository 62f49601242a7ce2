-- The SIRENE register: one row per raw line of the establishment stock (StockEtablissement), with its
-- legal unit's catégorie juridique and ESS flag, today's commune, the size band of the tranche
-- d'effectifs and whether it is active. Kept apart from the employment measures: SIRENE gives a size
-- band, never a headcount. Closed establishments are loaded (actif = false) without the commune and
-- activity checks, which only matter for the active ones counted in the register.
-- Grain: raw_sirene_etablissements.
with normalised as (
    select
        millesime,
        fichier,
        ligne,
        trim(siret) as siret_lu,
        nullif(trim(siren), '') as siren_declare,
        upper(replace(trim(depcom), ' ', '')) as depcom_brut,
        upper(replace(replace(trim(apet), '.', ''), ' ', '')) as apet,
        nullif(trim(nomenclature_apet), '') as nomenclature_apet,
        coalesce(nullif(upper(trim(tranche_effectifs)), ''), 'NN') as tranche_effectifs,
        upper(trim(etat_administratif)) as etat_administratif,
        coalesce(upper(trim(etat_administratif)) = 'A', false) as actif,
        nullif(upper(trim(caractere_employeur)), '') as caractere_employeur,
        nullif(trim(denomination), '') as denomination,
        concat_ws(';', siret, siren, depcom, apet, tranche_effectifs, etat_administratif) as contenu
    from raw_sirene_etablissements
),

unites_legales as (
    select millesime, siren, cj, ess_sirene from stg_sirene_unites_legales where motif is null
),

checked as (
    select
        n.*,
        u.cj,
        u.ess_sirene,
        c.depcom,
        t.taille,
        count(*) over (partition by n.millesime, n.siret_lu) as occurrences,
        case
            when not regexp_full_match(coalesce(n.siret_lu, ''), '[0-9]{14}')
                then 'siret invalide : ' || coalesce(n.siret_lu, '(vide)') || ' (14 chiffres attendus)'
            when n.siren_declare is not null and n.siren_declare <> left(n.siret_lu, 9)
                then 'siren ' || n.siren_declare || ' différent des 9 premiers chiffres du siret'
            when u.siren is null
                then 'unité légale absente du stock StockUniteLegale chargé : ' || left(n.siret_lu, 9)
            when n.etat_administratif is null or n.etat_administratif not in ('A', 'F')
                then 'état administratif hors de A (actif) ou F (fermé) : ' || coalesce(n.etat_administratif, '(vide)')
            when not n.actif
                then null
            when n.depcom_brut is null or n.depcom_brut = ''
                then 'établissement actif sans commune (à l''étranger) : hors du champ territorial'
            when c.depcom is null
                then 'commune inconnue du COG de référence : ' || n.depcom_brut
            when coalesce(n.nomenclature_apet, 'NAFRev2') <> 'NAFRev2'
                 or n.apet not in (select apet from ref_naf_secteurs)
                then 'code APE inconnu de la NAF rév. 2 : ' || coalesce(n.apet, '(vide)')
                     || coalesce(' (' || n.nomenclature_apet || ')', '')
            when t.taille is null
                then 'tranche d''effectifs SIRENE inconnue : ' || n.tranche_effectifs
        end as motif_ligne
    from normalised n
    left join unites_legales u on u.millesime = n.millesime and u.siren = left(n.siret_lu, 9)
    left join stg_communes_cog c on c.code = n.depcom_brut
    left join ref_sirene_tranches t on t.tranche_sirene = n.tranche_effectifs
)

select
    cast(millesime as integer) as millesime, fichier, cast(ligne as bigint) as ligne, siret_lu as siret,
    left(siret_lu, 9) as siren, depcom_brut, depcom, apet, cj, tranche_effectifs, taille, ess_sirene,
    etat_administratif, actif,
    caractere_employeur, denomination,
    case when motif_ligne is not null or occurrences > 1 then contenu end as contenu,
    coalesce(
        motif_ligne,
        case when occurrences > 1
            then 'siret en double dans le stock (' || occurrences || ' lignes, aucune retenue)' end
    ) as motif
from checked
