-- libellé : aucun indicateur dérivé ne repose sur une cellule secrète
-- No derived figure may rest on a secret cell: every non-NULL share, gap, rank or
-- change must have its own cell and the cells of its denominator published (a share's, its gap's and its
-- rank's: the denominator of its definition in ref_indicateurs).
with derives as (select * from pub_derives where valeur is not null),
cellules as (select * from pub_indicateurs),
besoins as (
    select d.*, d.champ as champ_source, d.dimension as dimension_source, d.modalite as modalite_source,
           d.millesime as millesime_source
    from derives d
    union all
    select d.*, unnest(coalesce(string_split(i.denominateur_champs, '+'), [d.champ])),
           coalesce(i.denominateur_dimension, d.dimension), coalesce(i.denominateur_modalite, d.modalite), d.millesime
    from derives d
    join ref_indicateurs i on d.indicateur in (i.indicateur, 'ecart_' || i.indicateur, 'rang_' || i.indicateur)
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
