-- Every territory (EPCI, département, région, France, custom) equals the sum of its communes.
with cellules as (select * from mart_territoire_champ),
communes as (select * from cellules where niveau = 'commune'),
sommes as (
    select c.millesime, t.niveau, t.code, c.champ,
           sum(c.etablissements) as etablissements, sum(c.postes) as postes
    from communes c
    join ref_territoire_commune t on t.depcom = c.code
    where t.niveau <> 'commune'
    group by all
)
select t.millesime, t.niveau, t.code, t.champ, t.postes, s.postes as postes_communes
from cellules t
left join sommes s using (millesime, niveau, code, champ)
where t.niveau <> 'commune'
  and (t.etablissements <> coalesce(s.etablissements, 0) or t.postes <> coalesce(s.postes, 0))
