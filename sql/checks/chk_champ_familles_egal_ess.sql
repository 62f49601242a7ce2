-- The four families sum to the ESS, for every territory and measure.
with cellules as (select * from mart_territoire_champ)
select e.millesime, e.niveau, e.code, e.postes, sum(f.postes) as postes_familles
from cellules e
join cellules f using (millesime, niveau, code)
where e.champ = 'ess' and f.champ in ('association', 'cooperative', 'mutuelle', 'fondation')
group by all
having e.etablissements <> sum(f.etablissements) or e.postes <> sum(f.postes)
    or abs(e.etp - sum(f.etp)) > 1e-6 or abs(e.remuneration_brute - sum(f.remuneration_brute)) > 1e-3
