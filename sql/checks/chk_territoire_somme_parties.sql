-- libellé : chaque territoire = somme de ses communes (ou de ses parties)
-- Tolerance: 0,01 per part (rounding of the extract) + 1e-9 relative (double sums of a national
-- payroll, ≈ 7e11 €, differ in their last digits with the summation order).
-- Every territory equals the sum of its communes (dimension ensemble, where
-- communes are published), every région the sum of its départements and France
-- the sum of its régions (every dimension published at both levels).
with cellules as (select * from mart_cellules),
appartenance as (
    select niveau, code, 'commune' as niveau_partie, depcom as code_partie
    from ref_territoire_commune where niveau <> 'commune'
    union
    select distinct 'region', reg, 'departement', dep from ref_communes
    union
    select distinct 'france', 'FR', 'region', reg from ref_communes
),
sommes as (
    select p.millesime, a.niveau, a.code, a.niveau_partie, p.champ, p.dimension, p.modalite,
           sum(p.etablissements) as etablissements, sum(p.postes) as postes,
           sum(p.etp) as etp, sum(p.remuneration_brute) as remuneration_brute, count(*) as n
    from cellules p
    join appartenance a on a.niveau_partie = p.niveau and a.code_partie = p.code
    group by all
)
select t.millesime, t.niveau, t.code, s.niveau_partie, t.champ, t.dimension, t.modalite,
       t.postes, s.postes as postes_parties
from cellules t
join sommes s using (millesime, niveau, code, champ, dimension, modalite)
where t.etablissements <> s.etablissements or t.postes <> s.postes
   or abs(t.etp - s.etp) > 0.01 * s.n + 1e-9 * abs(t.etp)
   or abs(t.remuneration_brute - s.remuneration_brute) > 0.01 * s.n + 1e-9 * abs(t.remuneration_brute)
