-- Each loaded establishment once per modality it belongs to, for the dimensions
-- read from the establishment file: ensemble, secteur (typologie A and its
-- action sociale detail), secteur_b (typologie B and its details) and taille.
-- Grain: millesime × siret × dimension × modalite.
with etablissements as (
    select millesime, siret, siren, depcom, champ_detail, secteur_a, secteur_a_detail, secteur_b,
           secteur_b_detail, taille, postes, etp, remuneration_brute
    from int_etablissements
),

modalites as (
    select *, 'ensemble' as dimension, 'ensemble' as modalite from etablissements
    union all select *, 'secteur', secteur_a from etablissements
    union all select *, 'secteur', secteur_a_detail from etablissements where secteur_a_detail is not null
    union all select *, 'secteur_b', secteur_b from etablissements
    union all select *, 'secteur_b', secteur_b_detail from etablissements where secteur_b_detail is not null
    union all select *, 'taille', taille from etablissements
),

final as (
    select millesime, siret, siren, depcom, champ_detail, dimension, modalite,
           postes, etp, remuneration_brute
    from modalites
)

select * from final
