-- Derived indicators, computed only from published cells: pub_indicateurs holds
-- NULL measures for every secret cell, so any ratio, gap, rank or change that
-- would use one is NULL. Shares are in %, gaps in points. France comparisons use
-- the national reference input (ref_references_nationales), never the run's data.
-- Gaps and ranks are on employment (postes), the measure publications compare.
-- Grain: millesime × territory × champ × dimension × modalite × indicateur × mesure × reference.
with cellules as (
    select * from pub_indicateurs
),

mesures as (
    select c.millesime, c.niveau, c.code, c.libelle, c.champ, c.dimension, c.modalite, m.mesure,
           case m.mesure when 'etablissements' then c.etablissements when 'postes' then c.postes
                         when 'etp' then c.etp else c.remuneration_brute end::double as valeur
    from cellules c
    cross join (values ('etablissements'), ('postes'), ('etp'), ('remuneration_brute')) m(mesure)
),

ess_side as (
    select champ from ref_champs where 'ess' in (champ, parent)
),

part_ensemble as (
    select n.*, 'part_dans_ensemble' as indicateur, 100 * n.valeur / nullif(d.valeur, 0) as part
    from mesures n
    join mesures d on d.champ = 'ensemble'
        and (d.millesime, d.niveau, d.code, d.dimension, d.modalite, d.mesure)
          = (n.millesime, n.niveau, n.code, n.dimension, n.modalite, n.mesure)
    where n.champ <> 'ensemble'
),

part_prive as (
    select n.*, 'part_dans_prive' as indicateur, 100 * n.valeur / nullif(e.valeur + p.valeur, 0) as part
    from mesures n
    join mesures e on e.champ = 'ess'
        and (e.millesime, e.niveau, e.code, e.dimension, e.modalite, e.mesure)
          = (n.millesime, n.niveau, n.code, n.dimension, n.modalite, n.mesure)
    join mesures p on p.champ = 'prive_hors_ess'
        and (p.millesime, p.niveau, p.code, p.dimension, p.modalite, p.mesure)
          = (n.millesime, n.niveau, n.code, n.dimension, n.modalite, n.mesure)
    where n.champ in (select champ from ess_side)
),

part_ess as (
    select n.*, 'part_dans_ess' as indicateur, 100 * n.valeur / nullif(e.valeur, 0) as part
    from mesures n
    join mesures e on e.champ = 'ess'
        and (e.millesime, e.niveau, e.code, e.dimension, e.modalite, e.mesure)
          = (n.millesime, n.niveau, n.code, n.dimension, n.modalite, n.mesure)
    where n.champ in (select champ from ref_champs where parent = 'ess')
),

-- distribution of a champ over the modalities of a dimension (sectors, sizes, job profile)
repartition as (
    select n.*, 'repartition' as indicateur, 100 * n.valeur / nullif(t.valeur, 0) as part
    from mesures n
    join mesures t on t.dimension = 'ensemble'
        and (t.millesime, t.niveau, t.code, t.champ, t.mesure) = (n.millesime, n.niveau, n.code, n.champ, n.mesure)
    where n.dimension <> 'ensemble'
      and not (n.mesure = 'etablissements' and n.dimension in ('sexe', 'age', 'csp', 'temps_travail', 'contrat'))
),

parts as (
    select * from part_ensemble
    union all select * from part_prive
    union all select * from part_ess
    union all select * from repartition
),

salaire as (
    select c.millesime, c.niveau, c.code, c.libelle, c.champ, c.dimension, c.modalite,
           'salaire_moyen_etp' as indicateur, 'remuneration_brute' as mesure,
           c.remuneration_brute / nullif(c.etp, 0) as valeur, '€ par ETP' as unite,
           null::varchar as reference, null::double as valeur_reference, false as rupture
    from cellules c
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
),

references_territoriales as (
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
),

ecarts as (
    select p.millesime, p.niveau, p.code, p.libelle, p.champ, p.dimension, p.modalite,
           'ecart_' || p.indicateur as indicateur, p.mesure, p.part - r.part_reference as valeur, 'points' as unite,
           r.reference, r.part_reference as valeur_reference, false as rupture
    from parts p
    join references_territoriales r using (millesime, niveau, code, champ, mesure, indicateur)
    where p.dimension = 'ensemble'
),

rangs as (
    select millesime, niveau, code, libelle, champ, dimension, modalite,
           'rang_' || indicateur as indicateur, mesure,
           rank() over (partition by millesime, niveau, champ, indicateur, mesure order by part desc) as valeur,
           'rang' as unite, niveau as reference,
           count(*) over (partition by millesime, niveau, champ, indicateur, mesure) as valeur_reference,
           false as rupture
    from parts
    where dimension = 'ensemble' and indicateur in ('part_dans_ensemble', 'part_dans_prive') and mesure = 'postes'
      and part is not null
),

-- the SQL linter cannot parse `case when … is distinct from … then`: these CTEs are used there
-- noqa: disable=PRS,ST03
sources as (
    select distinct p.millesime, s.source
    from cellules p
    join ref_sources_millesimes s
        on p.millesime between cast(s.millesime_min as integer) and cast(s.millesime_max as integer)
),

precedents as (
    select millesime, lag(millesime) over (order by millesime) as millesime_precedent
    from (select distinct millesime from cellules) as millesimes
),

evolutions as (
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.dimension, n.modalite, i.indicateur, n.mesure,
           case when s.source is distinct from sp.source then null
                when i.indicateur = 'evolution_absolue' then n.valeur - a.valeur
                when i.indicateur = 'evolution_pct' then 100 * (n.valeur / nullif(a.valeur, 0) - 1)
                else 100 * (pow(n.valeur / nullif(a.valeur, 0), 1.0 / (n.millesime - a.millesime)) - 1)
           end as valeur,
           i.unite, 'millesime ' || a.millesime as reference, a.valeur as valeur_reference,
           s.source is distinct from sp.source as rupture
    from mesures n
    join precedents pr on pr.millesime = n.millesime
    join mesures a on a.millesime = pr.millesime_precedent
        and (a.niveau, a.code, a.champ, a.dimension, a.modalite, a.mesure)
          = (n.niveau, n.code, n.champ, n.dimension, n.modalite, n.mesure)
    join sources s on s.millesime = n.millesime
    join sources sp on sp.millesime = a.millesime
    cross join (values ('evolution_absolue', 'nombre'), ('evolution_pct', '%'), ('tcam', '% par an')) i(indicateur, unite)
    where n.dimension = 'ensemble'
),
-- noqa: enable=PRS,ST03

final as (
    select millesime, niveau, code, libelle, champ, dimension, modalite, indicateur, mesure,
           part as valeur, '%' as unite, null::varchar as reference, null::double as valeur_reference,
           false as rupture
    from parts
    union all select * from salaire
    union all select * from ecarts
    union all select millesime, niveau, code, libelle, champ, dimension, modalite, indicateur, mesure,
                     valeur::double, unite, reference, valeur_reference::double, rupture from rangs
    union all select * from evolutions
)

select * from final
