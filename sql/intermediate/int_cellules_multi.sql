-- The cells' sums over the enterprises of several establishments (int_entreprises_multi), with what the
-- primary secrecy rules need: each enterprise summed per cell (one unit), then the units counted and the
-- largest one kept. An enterprise of one champ is summed at the champ_detail grain (the mart rolls it up
-- to the champs); only one whose establishments fall in several champs is summed per champ directly (its
-- champ_detail then holds the champ, plusieurs_champs true).
-- Grain: millesime × niveau × code × champ_detail × dimension × modalite.
with contributions as (
    select * from int_contributions_etablissements
    union all
    select * from int_contributions_postes
),

par_unite as (
    select c.millesime, t.niveau, t.code,
           case when e.plusieurs_champs then a.champ else c.champ_detail end as champ_detail,
           e.plusieurs_champs, c.dimension, c.modalite, c.siren,
           count(*) as etablissements, sum(c.postes) as postes, sum(c.etp) as etp,
           sum(c.remuneration_brute) as remuneration_brute
    from contributions c
    join int_entreprises_multi e on e.millesime = c.millesime and e.siren = c.siren
    join int_territoire_dimension t on t.depcom = c.depcom and t.dimension = c.dimension
    left join ref_champs_agregation a on e.plusieurs_champs and a.champ_detail = c.champ_detail
    group by all
),

multiples as (
    select millesime, niveau, code, champ_detail, plusieurs_champs, dimension, modalite,
           count(*) as nb_unites, sum(etablissements) as etablissements, sum(postes) as postes, sum(etp) as etp,
           sum(remuneration_brute) as remuneration_brute, max(etablissements) as max_etablissements,
           max(postes) as max_postes, max(etp) as max_etp, max(remuneration_brute) as max_remuneration
    from par_unite
    group by all
)

select * from multiples
