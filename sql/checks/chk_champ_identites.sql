-- libellé : familles = ESS, ESS + hors ESS = ensemble, public + privé hors ESS = hors ESS
-- Tolerance: 0,01 per part (rounding of the extract) + 1e-9 relative (double sums of a national
-- payroll, ≈ 7e11 €, differ in their last digits with the summation order).
-- Each champ is the sum of its children in the tree of ref_champs (parent links): for every
-- territory, dimension, modality and measure.
with cellules as (select * from mart_cellules),
identites as (
    select parent as total, champ as partie from ref_champs where parent is not null
)
select t.millesime, t.niveau, t.code, t.dimension, t.modalite, i.total,
       t.postes, sum(p.postes) as postes_parties
from identites i
join cellules t on t.champ = i.total
join cellules p on p.champ = i.partie
    and (p.millesime, p.niveau, p.code, p.dimension, p.modalite)
      = (t.millesime, t.niveau, t.code, t.dimension, t.modalite)
group by all
having t.etablissements <> sum(p.etablissements) or t.postes <> sum(p.postes)
    or abs(t.etp - sum(p.etp)) > 0.01 * count(*) + 1e-9 * abs(t.etp)
    or abs(t.remuneration_brute - sum(p.remuneration_brute)) > 0.01 * count(*) + 1e-9 * abs(t.remuneration_brute)
