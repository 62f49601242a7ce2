-- The cells' sums over the enterprises of one establishment (those not in int_entreprises_multi), with
-- what the primary secrecy rules need. Such an enterprise is already one unit per cell, so it is summed
-- per commune first (small grain), then joined to the territories at the champ_detail grain (the mart
-- rolls it up to the champs: count, sum and max roll up).
-- Grain: millesime × niveau × code × champ_detail × dimension × modalite.
with contributions as (
    select * from int_contributions_etablissements
    union all
    select * from int_contributions_postes
),

par_commune as (
    select c.millesime, c.depcom, c.champ_detail, c.dimension, c.modalite, count(*) as nb_unites,
           sum(c.postes) as postes, sum(c.etp) as etp, sum(c.remuneration_brute) as remuneration_brute,
           max(c.postes) as max_postes, max(c.etp) as max_etp, max(c.remuneration_brute) as max_remuneration
    from contributions c
    anti join int_entreprises_multi e on e.millesime = c.millesime and e.siren = c.siren
    group by all
),

-- territories grouped by (niveau, code): their libellé, a long string, is joined once in the mart
par_territoire as (
    select u.millesime, t.niveau, t.code, u.champ_detail, u.dimension, u.modalite,
           sum(u.nb_unites) as nb_unites, sum(u.nb_unites) as etablissements, sum(u.postes) as postes,
           sum(u.etp) as etp, sum(u.remuneration_brute) as remuneration_brute, 1 as max_etablissements,
           max(u.max_postes) as max_postes, max(u.max_etp) as max_etp, max(u.max_remuneration) as max_remuneration
    from par_commune u
    join int_territoire_dimension t on t.depcom = u.depcom and t.dimension = u.dimension
    group by all
)

select * from par_territoire
