-- The reference share each territory's headline shares (comparee_aux_references = 'oui' in ref_indicateurs)
-- are compared with: the département and the région holding most of its population, and France (the
-- national reference input, ref_references_nationales, never the run's data). On employment (postes), the
-- measure publications compare.
-- Grain: millesime × territory × champ × mesure × indicateur × reference.
with parts as (
    select p.* from pub_parts p
    join ref_indicateurs i on i.indicateur = p.indicateur and i.comparee_aux_references = 'oui'
    where p.dimension = 'ensemble' and p.mesure = 'postes'
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

-- each definition over the national cells, which have no dimension but ensemble (hence no share of a
-- dimension's total); the join with the territory's shares below keeps the champs of its numerator
parts_france as (
    select n.millesime, n.champ, n.mesure, i.indicateur,
           100 * n.valeur / case when bool_and(d.valeur is not null) then sum(d.valeur) end as part
    from nationales n
    join ref_indicateurs i on i.denominateur_dimension is null
    join nationales d on (d.millesime, d.mesure) = (n.millesime, n.mesure)
        and list_contains(coalesce(string_split(i.denominateur_champs, '+'), [n.champ]), d.champ)
    group by n.millesime, n.champ, n.mesure, n.valeur, i.indicateur, i.denominateur_champs
    having count(*) = len(coalesce(string_split(i.denominateur_champs, '+'), [n.champ]))
)

select p.millesime, p.niveau, p.code, p.champ, p.mesure, p.indicateur,
       e.niveau_reference || ' ' || e.code_reference as reference, r.part as part_reference
from parts p
join englobants e on (e.niveau, e.code) = (p.niveau, p.code)
join parts r on (r.niveau, r.code) = (e.niveau_reference, e.code_reference)
    and (r.millesime, r.champ, r.dimension, r.modalite, r.mesure, r.indicateur)
      = (p.millesime, p.champ, p.dimension, p.modalite, p.mesure, p.indicateur)
union all
select p.millesime, p.niveau, p.code, p.champ, p.mesure, p.indicateur,
       'france (référence nationale FLORES)', f.part
from parts p
join parts_france f using (millesime, champ, mesure, indicateur)
