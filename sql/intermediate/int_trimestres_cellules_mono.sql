-- The quarterly cells' sums over the enterprises of one private establishment in the quarter (those not
-- in int_trimestres_entreprises_multi), with what the primary secrecy rules need. Such an enterprise is
-- one unit per cell, so it is summed per commune first, then joined to the territories at the
-- champ_detail grain (the mart rolls it up to the private champs of ref_champs_trimestres).
-- Grain: trimestre × niveau × code × champ_detail.
with lignes as (
    select t.*
    from int_trimestres t
    semi join (select distinct champ_detail from ref_champs_trimestres) c on c.champ_detail = t.champ_detail
),

par_commune as (
    select l.trimestre, l.annee, l.depcom, l.champ_detail, count(*) as nb_unites, sum(l.effectif) as effectif,
           sum(l.masse_salariale) as masse_salariale, max(l.effectif) as max_effectif,
           max(l.masse_salariale) as max_masse_salariale
    from lignes l
    anti join int_trimestres_entreprises_multi e on e.trimestre = l.trimestre and e.siren = l.siren
    group by all
),

-- territories grouped by (niveau, code): their libellé is joined once in the mart
par_territoire as (
    select u.trimestre, u.annee, tc.niveau, tc.code, u.champ_detail,
           sum(u.nb_unites) as nb_unites, sum(u.nb_unites) as etablissements, sum(u.effectif) as effectif,
           sum(u.masse_salariale) as masse_salariale, 1 as max_etablissements, max(u.max_effectif) as max_effectif,
           max(u.max_masse_salariale) as max_masse_salariale
    from par_commune u
    join ref_territoire_commune tc on tc.depcom = u.depcom
    join ref_publication p on p.niveau = tc.niveau and p.dimension = 'ensemble'
    group by all
)

select * from par_territoire
