-- Quarterly cells before secrecy: territory (the levels of mart_cellules) × private champ (ensemble privé,
-- ESS, its four families, privé hors ESS) × quarter, with the effectif at quarter end, the quarter's
-- masse salariale, and what the primary rules need: the number of enterprises (SIREN) and the largest
-- enterprise's share of each measure. Shaped for the secrecy engine: dimension 'trimestre', modalite
-- '2018T4', millesime = the quarter's year. Public-law employers are outside URSSAF's private scope.
-- Every champ and quarter is present, zero-filled, for each territory with data.
with lignes as (
    select t.*, c.champ
    from int_trimestres t
    join ref_champs_trimestres c on c.champ_detail = t.champ_detail
),

par_unite as (
    select l.trimestre, l.annee, tc.niveau, tc.code, tc.libelle, l.champ, l.siren,
           count(*) as etablissements, sum(l.effectif) as effectif, sum(l.masse_salariale) as masse_salariale
    from lignes l
    join ref_territoire_commune tc on tc.depcom = l.depcom
    join ref_publication p on p.niveau = tc.niveau and p.dimension = 'ensemble'
    group by all
),

cellules as (
    select trimestre, niveau, code, champ,
           cast(sum(etablissements) as bigint) as etablissements, cast(sum(effectif) as bigint) as effectif,
           round(sum(masse_salariale), 2) as masse_salariale, count(*) as nb_unites,
           max(etablissements) / sum(etablissements) as part_max_etablissements,
           max(effectif) / nullif(sum(effectif), 0) as part_max_effectif,
           max(masse_salariale) / nullif(sum(masse_salariale), 0) as part_max_masse_salariale
    from par_unite
    group by all
),

grille as (
    select distinct q.annee, q.trimestre, t.niveau, t.code, t.libelle, c.champ, cast(c.ordre as integer) as ordre
    from (select distinct niveau, code, libelle from par_unite) t
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
