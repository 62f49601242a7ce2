-- The reference share each territory's headline shares are compared with: the département and the région
-- holding most of its population, and France (the national reference input, ref_references_nationales, never
-- the run's data). On employment (postes), the measure publications compare.
-- Grain: millesime × territory × champ × mesure × indicateur × reference.
with parts as (
    select * from pub_parts
),

ess_side as (
    select champ from ref_champs where 'ess' in (champ, parent)
),

-- the département and région holding most of a territory's population
population as (
    select t.niveau, t.code, c.dep, c.reg, sum(coalesce(try_cast(c.population as double), 0)) as habitants
    from ref_territoire_commune t join ref_communes c using (depcom)
    group by all
),

englobants as (
    select niveau, code, 'departement' as niveau_reference, arg_max(dep, habitants) as code_reference
    from population where niveau not in ('departement', 'region', 'france')
    group by all
    union all
    select niveau, code, 'region', arg_max(reg, habitants)
    from population where niveau not in ('region', 'france')
    group by all
),

nationales as (
    select cast(r.millesime as integer) as millesime, r.champ, m.mesure,
           case m.mesure when 'etablissements' then r.etablissements when 'postes' then r.postes
                         when 'etp' then r.etp else r.remuneration_brute end::double as valeur
    from ref_references_nationales r
    cross join (values ('etablissements'), ('postes'), ('etp'), ('remuneration_brute')) m(mesure)
),

parts_france as (
    select n.millesime, n.champ, n.mesure, 'part_dans_ensemble' as indicateur,
           100 * n.valeur / d.valeur as part
    from nationales n join nationales d on d.champ = 'ensemble' and (d.millesime, d.mesure) = (n.millesime, n.mesure)
    where n.champ <> 'ensemble'
    union all
    select n.millesime, n.champ, n.mesure, 'part_dans_prive', 100 * n.valeur / (e.valeur + p.valeur)
    from nationales n
    join nationales e on e.champ = 'ess' and (e.millesime, e.mesure) = (n.millesime, n.mesure)
    join nationales p on p.champ = 'prive_hors_ess' and (p.millesime, p.mesure) = (n.millesime, n.mesure)
    where n.champ in (select champ from ess_side)
)

select p.millesime, p.niveau, p.code, p.champ, p.mesure, p.indicateur,
       e.niveau_reference || ' ' || e.code_reference as reference, r.part as part_reference
from parts p
join englobants e on (e.niveau, e.code) = (p.niveau, p.code)
join parts r on (r.niveau, r.code) = (e.niveau_reference, e.code_reference)
    and (r.millesime, r.champ, r.dimension, r.modalite, r.mesure, r.indicateur)
      = (p.millesime, p.champ, p.dimension, p.modalite, p.mesure, p.indicateur)
where p.dimension = 'ensemble' and p.indicateur in ('part_dans_ensemble', 'part_dans_prive')
  and p.mesure = 'postes'
union all
select p.millesime, p.niveau, p.code, p.champ, p.mesure, p.indicateur,
       'france (référence nationale FLORES)', f.part
from parts p
join parts_france f using (millesime, champ, mesure, indicateur)
where p.dimension = 'ensemble' and p.mesure = 'postes'
