-- libellé : aucun indicateur dérivé ne repose sur une cellule secrète
-- No derived figure may rest on a secret cell: every non-NULL share, gap, rank or
-- change must have its own cell and the cells of its denominator published.
with derives as (select * from pub_derives where valeur is not null),
cellules as (select * from pub_indicateurs),
besoins as (
    select d.*, d.champ as champ_source, d.dimension as dimension_source, d.modalite as modalite_source,
           d.millesime as millesime_source
    from derives d
    union all
    select d.*, 'ensemble', d.dimension, d.modalite, d.millesime from derives d
    where d.indicateur in ('part_dans_ensemble', 'ecart_part_dans_ensemble', 'rang_part_dans_ensemble')
    union all
    select d.*, unnest(['ess', 'prive_hors_ess']), d.dimension, d.modalite, d.millesime from derives d
    where d.indicateur in ('part_dans_prive', 'ecart_part_dans_prive', 'rang_part_dans_prive')
    union all
    select d.*, 'ess', d.dimension, d.modalite, d.millesime from derives d where d.indicateur = 'part_dans_ess'
    union all
    select d.*, d.champ, 'ensemble', 'ensemble', d.millesime from derives d where d.indicateur = 'repartition'
    union all
    select d.*, d.champ, d.dimension, d.modalite, cast(split_part(d.reference, ' ', 2) as integer)
    from derives d where d.indicateur in ('evolution_absolue', 'evolution_pct', 'tcam')
)
select b.millesime, b.niveau, b.code, b.champ, b.dimension, b.modalite, b.indicateur, b.mesure,
       b.champ_source, c.secret
from besoins b
left join cellules c on (c.millesime, c.niveau, c.code, c.champ, c.dimension, c.modalite)
                      = (b.millesime_source, b.niveau, b.code, b.champ_source, b.dimension_source, b.modalite_source)
where c.secret is distinct from ''
