-- Every cell the publication may show, before secrecy: territory (all levels) ×
-- champ × dimension × modalite × millésime, restricted to the (dimension, niveau)
-- pairs of ref_publication, with what the primary rules need: the number of
-- enterprises (SIREN) and the largest enterprise's share of each measure.
-- Every champ and modality is present, zero-filled, for each territory with data.
-- Establishment counts are additive over establishment dimensions only: over job
-- attributes an establishment counts in every modality where it has a job.
with contributions as (
    select * from int_contributions_etablissements
    union all
    select * from int_contributions_postes
),

par_unite as (
    select c.millesime, t.niveau, t.code, t.libelle, a.champ, c.dimension, c.modalite, c.siren,
           count(*) as etablissements, sum(c.postes) as postes, sum(c.etp) as etp,
           sum(c.remuneration_brute) as remuneration_brute
    from contributions c
    join ref_territoire_commune t on t.depcom = c.depcom
    join ref_publication p on p.niveau = t.niveau and p.dimension = c.dimension
    join ref_champs_agregation a on a.champ_detail = c.champ_detail
    group by all
),

cellules as (
    select millesime, niveau, code, libelle, champ, dimension, modalite,
           cast(sum(etablissements) as bigint) as etablissements, cast(sum(postes) as bigint) as postes,
           round(sum(etp), 2) as etp, round(sum(remuneration_brute), 2) as remuneration_brute,
           count(*) as nb_unites,
           max(etablissements) / sum(etablissements) as part_max_etablissements,
           max(postes) / nullif(sum(postes), 0) as part_max_postes,
           max(etp) / nullif(sum(etp), 0) as part_max_etp,
           max(remuneration_brute) / nullif(sum(remuneration_brute), 0) as part_max_remuneration
    from par_unite
    group by all
),

dimensions_presentes as (
    select distinct millesime, dimension from contributions
),

grille as (
    select distinct t.millesime, t.niveau, t.code, t.libelle, ch.champ, m.dimension, m.modalite,
           cast(ch.ordre as integer) as ordre_champ, m.ordre as ordre_modalite
    from (select distinct millesime, niveau, code, libelle from cellules) t
    join ref_publication p on p.niveau = t.niveau
    join dimensions_presentes d on d.millesime = t.millesime and d.dimension = p.dimension
    join int_modalites m on m.dimension = p.dimension
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
