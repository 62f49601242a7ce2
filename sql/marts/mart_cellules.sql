-- Every cell the publication may show, before secrecy: territory (all levels) ×
-- champ × dimension × modalite × millésime, restricted to the (dimension, niveau)
-- pairs of ref_publication, and the cells of the unpublished atoms (niveau 'atome',
-- int_territoire_dimension) the secrecy audit protects; with what the primary rules need: the number of
-- enterprises (SIREN) and the largest enterprise's share of each measure.
-- Every champ and modality is present, zero-filled, for each territory with data.
-- Establishment counts are additive over establishment dimensions only: over job
-- attributes an establishment counts in every modality where it has a job.
-- An enterprise (SIREN) is one unit: the enterprises of one establishment (int_cellules_mono) and those
-- of several (int_cellules_multi) are summed apart, on the grains where that is cheapest, and their sums,
-- counts and maxima add up here.
-- Both come at the champ_detail grain, rolled up to the champs (ess, hors_ess, ensemble) here; the cells of
-- several-champ enterprises are already at the champ grain (their champ_detail holds the champ).
with morceaux as (
    select m.millesime, m.niveau, m.code, a.champ, m.dimension, m.modalite, m.nb_unites, m.etablissements,
           m.postes, m.etp, m.remuneration_brute, m.max_etablissements, m.max_postes, m.max_etp, m.max_remuneration
    from (select * from int_cellules_mono union all by name
          select * from int_cellules_multi where not plusieurs_champs) m
    join ref_champs_agregation a on a.champ_detail = m.champ_detail
    union all by name
    select * exclude (champ_detail, plusieurs_champs), champ_detail as champ
    from int_cellules_multi
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
    select millesime, dimension from int_contributions_etablissements
    union
    select millesime, dimension from int_contributions_postes
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
