-- libellé : les modalités de chaque dimension s'additionnent au total de la cellule
-- Tolerance: 0,01 per part (rounding of the extract) + 1e-9 relative (double sums of a national
-- payroll, ≈ 7e11 €, differ in their last digits with the summation order).
-- The modalities of each dimension sum to the cell's total (dimension ensemble),
-- and detailed sectors sum to their parent sector. Establishment counts are
-- checked only over establishment dimensions (not additive over job attributes: ref_dimensions.emploi).
with cellules as (select * from mart_cellules),
sommes as (
    select c.millesime, c.niveau, c.code, c.champ, c.dimension,
           coalesce(m.parent, 'ensemble') as parent,
           sum(c.etablissements) as etablissements, sum(c.postes) as postes,
           sum(c.etp) as etp, sum(c.remuneration_brute) as remuneration_brute, count(*) as n
    from cellules c
    join int_modalites m using (dimension, modalite)
    where c.dimension <> 'ensemble'
    group by all
),
totaux as (
    select s.*, t.etablissements as t_etablissements, t.postes as t_postes, t.etp as t_etp,
           t.remuneration_brute as t_remuneration_brute
    from sommes s
    join cellules t on (t.millesime, t.niveau, t.code, t.champ) = (s.millesime, s.niveau, s.code, s.champ)
        and ((s.parent = 'ensemble' and t.dimension = 'ensemble')
             or (s.parent <> 'ensemble' and t.dimension = s.dimension and t.modalite = s.parent))
)
select millesime, niveau, code, champ, dimension, parent, t_postes, postes as postes_modalites
from totaux
where t_postes <> postes
   or abs(t_etp - etp) > 0.01 * n + 1e-9 * abs(t_etp)
   or abs(t_remuneration_brute - remuneration_brute) > 0.01 * n + 1e-9 * abs(t_remuneration_brute)
   or (dimension not in (select dimension from ref_dimensions where emploi = 'oui')
       and t_etablissements <> etablissements)
