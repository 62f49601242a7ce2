-- The cells of the tables INSEE delivered, with their secret status (the published layer nulls
-- the secret measures; a model name here would make this model run after it): the run's own
-- territories as delivered and the custom territories summed from their members. A champ missing
-- from a delivered territory's totals is a zero cell. Only the (dimension, niveau) pairs the spec
-- publishes (ref_publication) are kept. Counts are rounded: a delivered value may be an approximation.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
with livrees as (
    select * from liv_cellules_standard
    union all
    select * from liv_cellules_personnalisees
),

-- INSEE omits a champ without any establishment: in a delivered territory it is a true zero
zeros as (
    select t.millesime, t.niveau, t.code, t.libelle, c.champ, 'ensemble' as dimension, 'ensemble' as modalite,
           0 as etablissements, 0 as postes, 0.0 as etp, 0.0 as remuneration_brute, '' as secret,
           false as approximatif
    from (select distinct millesime, niveau, code, libelle from livrees where dimension = 'ensemble') t
    cross join ref_champs c
    where (t.millesime, t.niveau, t.code, c.champ) not in
          (select (millesime, niveau, code, champ) from livrees where dimension = 'ensemble')
),

toutes as (
    select * from livrees
    union all
    select * from zeros
)

select millesime::integer as millesime, niveau, code, libelle, champ, dimension, modalite,
       round(etablissements)::bigint as etablissements, round(postes)::bigint as postes, etp::double as etp,
       remuneration_brute::double as remuneration_brute, secret, approximatif
from toutes
where (dimension, niveau) in (select (dimension, niveau) from ref_publication)
