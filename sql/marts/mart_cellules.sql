-- Every cell the publication may show, before secrecy: territory (all levels) ×
-- champ × dimension × modalite × millésime, restricted to the (dimension, niveau)
-- pairs of ref_publication, and the cells of the unpublished atoms (niveau 'atome',
-- int_territoire_dimension) the secrecy audit protects; with what the primary rules need: the number of
-- enterprises (SIREN) and the largest enterprise's share of each measure.
-- Every champ and modality is present, zero-filled, for each territory with data.
-- Establishment counts are additive over establishment dimensions only: over job
-- attributes an establishment counts in every modality where it has a job.
with contributions as (
    select * from int_contributions_etablissements
    union all
    select * from int_contributions_postes
),

-- An enterprise (SIREN) is one unit: its establishments are summed per cell before units are counted
-- and the largest one's share taken. Count, sum and max roll up, so most of that work is done on small
-- grains: an enterprise of one establishment is already one row per cell (taken per commune first, then
-- joined to the territories); an enterprise of one champ is summed per territory at the champ_detail
-- grain, and its cells roll up to the champs (ess, hors_ess, ensemble) afterwards. Only an enterprise
-- whose establishments fall in several champs is summed per champ directly. Territories are grouped
-- by (niveau, code); their libellé, a long string, is joined once at the end.
entreprises as (
    select millesime, siren, count(distinct champ_detail) > 1 as plusieurs_champs
    from int_etablissements
    group by all
    having count(*) > 1
),

uniques_commune as (
    select c.millesime, c.depcom, c.champ_detail, c.dimension, c.modalite, count(*) as nb_unites,
           sum(c.postes) as postes, sum(c.etp) as etp, sum(c.remuneration_brute) as remuneration_brute,
           max(c.postes) as max_postes, max(c.etp) as max_etp, max(c.remuneration_brute) as max_remuneration
    from contributions c
    anti join entreprises e on e.millesime = c.millesime and e.siren = c.siren
    group by all
),

uniques as (
    select u.millesime, t.niveau, t.code, u.champ_detail, u.dimension, u.modalite,
           sum(u.nb_unites) as nb_unites, sum(u.nb_unites) as etablissements, sum(u.postes) as postes,
           sum(u.etp) as etp, sum(u.remuneration_brute) as remuneration_brute, 1 as max_etablissements,
           max(u.max_postes) as max_postes, max(u.max_etp) as max_etp, max(u.max_remuneration) as max_remuneration
    from uniques_commune u
    join int_territoire_dimension t on t.depcom = u.depcom and t.dimension = u.dimension
    group by all
),

par_unite as (
    select c.millesime, t.niveau, t.code,
           case when e.plusieurs_champs then a.champ else c.champ_detail end as champ_detail,
           e.plusieurs_champs, c.dimension, c.modalite, c.siren,
           count(*) as etablissements, sum(c.postes) as postes, sum(c.etp) as etp,
           sum(c.remuneration_brute) as remuneration_brute
    from contributions c
    join entreprises e on e.millesime = c.millesime and e.siren = c.siren
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

-- cells at the champ_detail grain rolled up to the champs; cells of several-champ enterprises are
-- already at the champ grain (their champ_detail column holds the champ)
morceaux as (
    select m.millesime, m.niveau, m.code, a.champ, m.dimension, m.modalite, m.nb_unites,
           m.etablissements, m.postes, m.etp, m.remuneration_brute, m.max_etablissements, m.max_postes,
           m.max_etp, m.max_remuneration
    from (select * from uniques union all by name select * from multiples where not plusieurs_champs) m
    join ref_champs_agregation a on a.champ_detail = m.champ_detail
    union all by name
    select millesime, niveau, code, champ_detail as champ, dimension, modalite, nb_unites,
           etablissements, postes, etp, remuneration_brute, max_etablissements, max_postes, max_etp,
           max_remuneration
    from multiples
    where plusieurs_champs
),

cellules as (
    select millesime, niveau, code, champ, dimension, modalite,
           cast(sum(etablissements) as bigint) as etablissements, cast(sum(postes) as bigint) as postes,
           round(sum(etp), 2) as etp, round(sum(remuneration_brute), 2) as remuneration_brute,
           cast(sum(nb_unites) as bigint) as nb_unites,
           max(max_etablissements) / sum(etablissements) as part_max_etablissements,
           max(max_postes) / nullif(sum(postes), 0) as part_max_postes,
           max(max_etp) / nullif(sum(etp), 0) as part_max_etp,
           max(max_remuneration) / nullif(sum(remuneration_brute), 0) as part_max_remuneration
    from morceaux
    group by all
),

dimensions_presentes as (
    select distinct millesime, dimension from contributions
),

grille as (
    select distinct c.millesime, t.niveau, t.code, t.libelle, ch.champ, m.dimension, m.modalite,
           cast(ch.ordre as integer) as ordre_champ, m.ordre as ordre_modalite
    from (select distinct millesime, niveau, code from cellules) c
    join (select distinct niveau, code, libelle, dimension from int_territoire_dimension) t using (niveau, code)
    join dimensions_presentes d on d.millesime = c.millesime and d.dimension = t.dimension
    join int_modalites m on m.dimension = t.dimension and not m.livraison_seule   -- no all-zero 50+ band
    cross join ref_champs ch
),

final as (
    select g.millesime, g.niveau, g.code, g.libelle, g.champ, g.dimension, g.modalite,
           coalesce(c.etablissements, 0) as etablissements, coalesce(c.postes, 0) as postes,
           coalesce(c.etp, 0) as etp, coalesce(c.remuneration_brute, 0) as remuneration_brute,
           coalesce(c.nb_unites, 0) as nb_unites, c.part_max_etablissements,
           c.part_max_postes, c.part_max_etp, c.part_max_remuneration
    from grille g
    left join cellules c using (millesime, niveau, code, champ, dimension, modalite)
    order by g.millesime, g.niveau, g.code, g.ordre_champ, g.dimension, g.ordre_modalite
)

select * from final
