-- Établissements, postes, ETP and rémunérations for every territory (all
-- levels) × champ × millésime, with what the primary secrecy rules need:
-- the number of enterprises (SIREN) and the largest enterprise's share of each
-- measure. Every champ is present (zero-filled) for each territory with data.
with etablissements as (
    select * from int_etablissements
),

par_champ as (
    select e.millesime, t.niveau, t.code, t.libelle, a.champ, e.siren,
           count(*) as etablissements, sum(e.postes) as postes, sum(e.etp) as etp,
           sum(e.remuneration_brute) as remuneration_brute
    from etablissements e
    join ref_territoire_commune t on t.depcom = e.depcom
    join ref_champs_agregation a on a.champ_detail = e.champ_detail
    group by all
),

cellules as (
    select millesime, niveau, code, libelle, champ,
           cast(sum(etablissements) as bigint) as etablissements, cast(sum(postes) as bigint) as postes,
           round(sum(etp), 2) as etp, round(sum(remuneration_brute), 2) as remuneration_brute,
           count(*) as nb_unites,
           max(postes) / nullif(sum(postes), 0) as part_max_postes,
           max(etp) / nullif(sum(etp), 0) as part_max_etp,
           max(remuneration_brute) / nullif(sum(remuneration_brute), 0) as part_max_remuneration
    from par_champ
    group by all
),

grille as (
    select distinct c.millesime, c.niveau, c.code, c.libelle, r.champ, cast(r.ordre as integer) as ordre
    from cellules c cross join ref_champs r
),

final as (
    select g.millesime, g.niveau, g.code, g.libelle, g.champ,
           coalesce(c.etablissements, 0) as etablissements, coalesce(c.postes, 0) as postes,
           coalesce(c.etp, 0) as etp, coalesce(c.remuneration_brute, 0) as remuneration_brute,
           coalesce(c.nb_unites, 0) as nb_unites,
           c.part_max_postes, c.part_max_etp, c.part_max_remuneration
    from grille g left join cellules c using (millesime, niveau, code, champ)
    order by g.millesime, g.niveau, g.code, g.ordre
)

select * from final
