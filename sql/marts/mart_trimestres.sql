-- Quarterly cells before secrecy: territory (the levels of mart_cellules) × private champ (ensemble privé,
-- ESS, its four families, privé hors ESS) × quarter, with the effectif at quarter end, the quarter's
-- masse salariale, and what the primary rules need: the number of enterprises (SIREN) and the largest
-- enterprise's share of each measure. Shaped for the secrecy engine: dimension 'trimestre', modalite
-- '2018T4', millesime = the quarter's year. Public-law employers are outside URSSAF's private scope.
-- Every champ and quarter is present, zero-filled, for each territory with data.
-- Enterprises (SIREN) are the units, summed per cell before the largest one's share is taken; as in
-- mart_cellules, an enterprise of one establishment in the quarter is summed per commune first, one of
-- one champ per territory at the champ_detail grain, and only the others per champ directly. Territories
-- are grouped by (niveau, code); their libellé is joined once at the end.
with lignes as (
    select t.*
    from int_trimestres t
    semi join (select distinct champ_detail from ref_champs_trimestres) c on c.champ_detail = t.champ_detail
),

entreprises as (
    select trimestre, siren, count(distinct champ_detail) > 1 as plusieurs_champs
    from lignes
    group by all
    having count(*) > 1
),

uniques_commune as (
    select l.trimestre, l.annee, l.depcom, l.champ_detail, count(*) as nb_unites, sum(l.effectif) as effectif,
           sum(l.masse_salariale) as masse_salariale, max(l.effectif) as max_effectif,
           max(l.masse_salariale) as max_masse_salariale
    from lignes l
    anti join entreprises e on e.trimestre = l.trimestre and e.siren = l.siren
    group by all
),

uniques as (
    select u.trimestre, u.annee, tc.niveau, tc.code, u.champ_detail,
           sum(u.nb_unites) as nb_unites, sum(u.nb_unites) as etablissements, sum(u.effectif) as effectif,
           sum(u.masse_salariale) as masse_salariale, 1 as max_etablissements, max(u.max_effectif) as max_effectif,
           max(u.max_masse_salariale) as max_masse_salariale
    from uniques_commune u
    join ref_territoire_commune tc on tc.depcom = u.depcom
    join ref_publication p on p.niveau = tc.niveau and p.dimension = 'ensemble'
    group by all
),

par_unite as (
    select l.trimestre, l.annee, tc.niveau, tc.code,
           case when e.plusieurs_champs then c.champ else l.champ_detail end as champ_detail,
           e.plusieurs_champs, l.siren,
           count(*) as etablissements, sum(l.effectif) as effectif, sum(l.masse_salariale) as masse_salariale
    from lignes l
    join entreprises e on e.trimestre = l.trimestre and e.siren = l.siren
    join ref_territoire_commune tc on tc.depcom = l.depcom
    join ref_publication p on p.niveau = tc.niveau and p.dimension = 'ensemble'
    left join ref_champs_trimestres c on e.plusieurs_champs and c.champ_detail = l.champ_detail
    group by all
),

multiples as (
    select trimestre, annee, niveau, code, champ_detail, plusieurs_champs, count(*) as nb_unites,
           sum(etablissements) as etablissements, sum(effectif) as effectif, sum(masse_salariale) as masse_salariale,
           max(etablissements) as max_etablissements, max(effectif) as max_effectif,
           max(masse_salariale) as max_masse_salariale
    from par_unite
    group by all
),

morceaux as (
    select m.trimestre, m.annee, m.niveau, m.code, c.champ, m.nb_unites, m.etablissements, m.effectif,
           m.masse_salariale, m.max_etablissements, m.max_effectif, m.max_masse_salariale
    from (select * from uniques union all by name select * from multiples where not plusieurs_champs) m
    join ref_champs_trimestres c on c.champ_detail = m.champ_detail
    union all by name
    select trimestre, annee, niveau, code, champ_detail as champ, nb_unites, etablissements, effectif,
           masse_salariale, max_etablissements, max_effectif, max_masse_salariale
    from multiples
    where plusieurs_champs
),

cellules as (
    select trimestre, niveau, code, champ,
           cast(sum(etablissements) as bigint) as etablissements, cast(sum(effectif) as bigint) as effectif,
           round(sum(masse_salariale), 2) as masse_salariale, cast(sum(nb_unites) as bigint) as nb_unites,
           max(max_etablissements) / sum(etablissements) as part_max_etablissements,
           max(max_effectif) / nullif(sum(effectif), 0) as part_max_effectif,
           max(max_masse_salariale) / nullif(sum(masse_salariale), 0) as part_max_masse_salariale
    from morceaux
    group by all
),

territoires as (
    select distinct c.niveau, c.code, t.libelle
    from cellules c
    join ref_territoire_commune t using (niveau, code)
),

grille as (
    select distinct q.annee, q.trimestre, t.niveau, t.code, t.libelle, c.champ, cast(c.ordre as integer) as ordre
    from territoires t
    cross join (select distinct annee, trimestre from lignes) q
    cross join (select distinct champ, ordre from ref_champs_trimestres) c
),

final as (
    select g.annee as millesime, g.niveau, g.code, g.libelle, g.champ, 'trimestre' as dimension,
           g.trimestre as modalite, g.trimestre,
           coalesce(c.etablissements, 0) as etablissements, coalesce(c.effectif, 0) as effectif,
           coalesce(c.masse_salariale, 0) as masse_salariale, coalesce(c.nb_unites, 0) as nb_unites,
           c.part_max_etablissements, c.part_max_effectif, c.part_max_masse_salariale
    from grille g
    left join cellules c using (trimestre, niveau, code, champ)
    order by g.niveau, g.code, g.ordre, g.trimestre
)

select * from final
