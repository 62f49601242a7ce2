-- Changes since the previous millésime of the publication: absolute, %, and the compound annual rate (tcam).
-- NULL when either cell is secret; NULL with rupture = true when the two millésimes come from different
-- sources (ref_sources_millesimes), which are not comparable.
-- Grain: millesime × territory × champ × indicateur × mesure (dimension ensemble).
-- the SQL linter cannot parse `case when … is distinct from … then`: these CTEs are used there
-- noqa: disable=PRS,ST03
with mesures as (
    select * from pub_mesures
),

sources as (
    select distinct p.millesime, s.source
    from pub_indicateurs p
    join ref_sources_millesimes s
        on p.millesime between cast(s.millesime_min as integer) and cast(s.millesime_max as integer)
),

precedents as (
    select millesime, lag(millesime) over (order by millesime) as millesime_precedent
    from (select distinct millesime from pub_indicateurs) as millesimes
),

evolutions as (
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.dimension, n.modalite, i.indicateur, n.mesure,
           case when s.source is distinct from sp.source then null
                when i.indicateur = 'evolution_absolue' then n.valeur - a.valeur
                when i.indicateur = 'evolution_pct' then 100 * (n.valeur / nullif(a.valeur, 0) - 1)
                else 100 * (pow(n.valeur / nullif(a.valeur, 0), 1.0 / (n.millesime - a.millesime)) - 1)
           end as valeur,
           i.unite, 'millesime ' || a.millesime as reference, a.valeur as valeur_reference,
           s.source is distinct from sp.source as rupture
    from mesures n
    join precedents pr on pr.millesime = n.millesime
    join mesures a on a.millesime = pr.millesime_precedent
        and (a.niveau, a.code, a.champ, a.dimension, a.modalite, a.mesure)
          = (n.niveau, n.code, n.champ, n.dimension, n.modalite, n.mesure)
    join sources s on s.millesime = n.millesime
    join sources sp on sp.millesime = a.millesime
    cross join (values ('evolution_absolue', 'nombre'), ('evolution_pct', '%'), ('tcam', '% par an')) i(indicateur, unite)
    where n.dimension = 'ensemble'
)
-- noqa: enable=PRS,ST03

select * from evolutions
