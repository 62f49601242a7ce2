-- Quarterly cells before secrecy: territory (the levels the spec publishes) × private champ (ensemble
-- privé, ESS, its four families, privé hors ESS) × quarter, with the effectif at quarter end, the quarter's
-- masse salariale, and what the primary rules need: the number of enterprises (SIREN) and the largest
-- enterprise's share of each measure. Shaped for the secrecy engine: dimension 'trimestre', modalite
-- '2018T4', millesime = the quarter's year. Public-law employers are outside URSSAF's private scope.
-- Every champ and quarter is present, zero-filled, for each territory with data.
-- An enterprise (SIREN) is one unit: the enterprises of one establishment in the quarter
-- (int_trimestres_cellules_mono) and those of several (int_trimestres_cellules_multi) are summed apart,
-- and their sums, counts and maxima add up here.
-- Both come at the champ_detail grain, rolled up to the quarterly champs here; the cells of several-champ
-- enterprises are already at the champ grain (their champ_detail holds the champ).
with morceaux as (
    select m.trimestre, m.annee, m.niveau, m.code, c.champ, m.nb_unites, m.etablissements, m.effectif,
           m.masse_salariale, m.max_etablissements, m.max_effectif, m.max_masse_salariale
    from (select * from int_trimestres_cellules_mono union all by name
          select * from int_trimestres_cellules_multi where not plusieurs_champs) m
    join ref_champs_trimestres c on c.champ_detail = m.champ_detail
    union all by name
    select * exclude (champ_detail, plusieurs_champs), champ_detail as champ
    from int_trimestres_cellules_multi
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

-- the quarters of the private lines
trimestres as (
    select distinct t.annee, t.trimestre
    from int_trimestres t
    semi join (select distinct champ_detail from ref_champs_trimestres) c on c.champ_detail = t.champ_detail
),

grille as (
    select distinct q.annee, q.trimestre, t.niveau, t.code, t.libelle, c.champ, cast(c.ordre as integer) as ordre
    from territoires t
    cross join trimestres q
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
