-- ESS + hors ESS = ensemble, and public + privé hors ESS = hors ESS.
with cellules as (select * from mart_territoire_champ),
identites as (
    select 'ensemble' as total, unnest(['ess', 'hors_ess']) as partie
    union all
    select 'hors_ess', unnest(['public', 'prive_hors_ess'])
)
select t.millesime, t.niveau, t.code, i.total, t.postes, sum(p.postes) as postes_parties
from identites i
join cellules t on t.champ = i.total
join cellules p on p.champ = i.partie and (p.millesime, p.niveau, p.code) = (t.millesime, t.niveau, t.code)
group by all
having t.etablissements <> sum(p.etablissements) or t.postes <> sum(p.postes)
    or abs(t.etp - sum(p.etp)) > 1e-6 or abs(t.remuneration_brute - sum(p.remuneration_brute)) > 1e-3
