-- One row per raw job line: codes mapped to the pivot (raw_correspondances) and upper-cased, measures
-- typed the way their file writes numbers, and the first broken rule in `motif` (NULL = loaded).
-- A job must belong to an establishment loaded for the same millésime. Grain: raw_postes.
-- `contenu` (the raw line) is kept for rejected lines only: the rejets table needs it, loaded ones do not.
with source as (
    select r.*, f.source, f.decimale, f.milliers
    from raw_postes r
    join raw_fichiers f using (millesime, fichier)
),

codes as (
    select source, colonne, code_source, code_pivot from raw_correspondances where nature = 'postes'
),

normalised as (
    select
        s.millesime,
        s.fichier,
        s.ligne,
        trim(s.siret) as siret_lu,
        coalesce(cs.code_pivot, nullif(trim(s.sexe), '')) as sexe,
        s.age as age_lu,
        oress_nombre(s.age, s.decimale, s.milliers) as age_num,
        nullif(upper(trim(s.pcs)), '') as pcs,
        coalesce(ct.code_pivot, nullif(upper(trim(s.temps_travail)), '')) as temps_travail,
        coalesce(cc.code_pivot, nullif(upper(trim(s.contrat)), '')) as contrat,
        s.etp as etp_lu,
        oress_nombre(s.etp, s.decimale, s.milliers) as etp,
        s.remuneration_brute as remuneration_lu,
        oress_nombre(s.remuneration_brute, s.decimale, s.milliers) as remuneration_brute,
        coalesce(cp.code_pivot, nullif(trim(s.present_3112), '')) as present_lu,
        concat_ws(';', s.siret, s.sexe, s.age, s.pcs, s.temps_travail, s.contrat, s.etp, s.remuneration_brute,
                  s.present_3112) as contenu
    from source s
    left join codes cs
        on cs.source = s.source and cs.colonne = 'sexe' and cs.code_source = upper(coalesce(trim(s.sexe), ''))
    left join codes ct
        on ct.source = s.source and ct.colonne = 'temps_travail'
       and ct.code_source = upper(coalesce(trim(s.temps_travail), ''))
    left join codes cc
        on cc.source = s.source and cc.colonne = 'contrat' and cc.code_source = upper(coalesce(trim(s.contrat), ''))
    left join codes cp
        on cp.source = s.source and cp.colonne = 'present_3112'
       and cp.code_source = upper(coalesce(trim(s.present_3112), ''))
),

etablissements as (
    select millesime, siret from stg_etablissements where motif is null
),

checked as (
    select
        n.*,
        case
            when not exists (select 1 from etablissements e where e.millesime = n.millesime and e.siret = n.siret_lu)
                then 'siret absent des établissements chargés du millésime : ' || coalesce(n.siret_lu, '(vide)')
            when n.sexe is null or n.sexe not in ('1', '2')
                then 'sexe hors de 1 (homme) ou 2 (femme) : ' || coalesce(n.sexe, '(vide)')
            when n.age_num is null
                then 'âge non numérique : ' || coalesce(n.age_lu, '(vide)')
            when n.age_num <> floor(n.age_num) or n.age_num < 14 or n.age_num > 80
                then 'âge hors de 14 à 80 ans : ' || n.age_lu
            when n.contrat is null or n.contrat not in (select code from ref_contrats)
                then 'contrat hors de la liste CDI, CDD, APP, INT, AUT : ' || coalesce(n.contrat, '(vide)')
            when n.present_lu is null or n.present_lu not in ('0', '1')
                then 'present_3112 hors de 0 ou 1 : ' || coalesce(n.present_lu, '(vide)')
            when n.etp is null or n.etp < 0
                then 'etp non numérique ou négatif : ' || coalesce(n.etp_lu, '(vide)')
            when n.remuneration_brute is null or n.remuneration_brute < 0
                then 'rémunération brute non numérique ou négative : ' || coalesce(n.remuneration_lu, '(vide)')
        end as motif
    -- EXISTS, not a LEFT JOIN: DuckDB then hashes the establishments, not the 20 M job lines
    from normalised n
),

final as (
    select
        cast(millesime as integer) as millesime,
        fichier,
        cast(ligne as bigint) as ligne,
        siret_lu as siret,
        sexe,
        case when age_num = floor(age_num) and abs(age_num) < 1e9 then cast(age_num as integer) end as age,
        pcs,
        temps_travail,
        contrat,
        etp,
        remuneration_brute,
        case when present_lu in ('0', '1') then cast(present_lu as integer) end as present_3112,
        case when motif is not null then contenu end as contenu,
        motif
    from checked
)

select * from final
