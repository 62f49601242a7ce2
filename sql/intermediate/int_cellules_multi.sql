-- The cells' sums over the enterprises of several establishments (int_entreprises_multi), with what the
-- primary secrecy rules need: each enterprise summed per cell (one unit), then the units counted and the
-- largest one kept. An enterprise of one champ is summed at the champ_detail grain and rolled up to the
-- champs (ess, hors_ess, ensemble) afterwards; only one whose establishments fall in several champs is
-- summed per champ directly.
-- Grain: millesime × niveau × code × champ × dimension × modalite.
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
),

-- cells of several-champ enterprises are already at the champ grain (their champ_detail holds the champ)
final as (
    select m.millesime, m.niveau, m.code, a.champ, m.dimension, m.modalite, m.nb_unites,
           m.etablissements, m.postes, m.etp, m.remuneration_brute, m.max_etablissements, m.max_postes,
           m.max_etp, m.max_remuneration
    from multiples m
    join ref_champs_agregation a on a.champ_detail = m.champ_detail
    where not m.plusieurs_champs
    union all by name
    select millesime, niveau, code, champ_detail as champ, dimension, modalite, nb_unites,
           etablissements, postes, etp, remuneration_brute, max_etablissements, max_postes, max_etp,
           max_remuneration
    from multiples
    where plusieurs_champs
)

select * from final
