-- URSSAF's public commune × APE file summed per territory and quarter: the effectif of all private
-- employers, published by URSSAF with its own secrecy. Used only as the denominator of the ESS share of
-- private employment; it has no catégorie juridique, so it never feeds an ESS cell.
-- Grain: trimestre × niveau × code.
with lignes as (
    select * from stg_trimestres_communes where motif is null
),

final as (
    select l.trimestre, tc.niveau, tc.code, any_value(tc.libelle) as libelle,
           cast(sum(l.effectif) as bigint) as effectif_prive, round(sum(l.masse_salariale), 2) as masse_salariale_prive,
           cast(sum(l.etablissements) as bigint) as etablissements_prive
    from lignes l
    join ref_territoire_commune tc on tc.depcom = l.depcom
    join ref_publication p on p.niveau = tc.niveau and p.dimension = 'ensemble'
    group by all
    order by tc.niveau, tc.code, l.trimestre
)

select * from final
