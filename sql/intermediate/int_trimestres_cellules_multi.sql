-- The quarterly cells' sums over the enterprises of several private establishments in the quarter
-- (int_trimestres_entreprises_multi), with what the primary secrecy rules need: each enterprise summed
-- per cell (one unit), then the units counted and the largest one kept. An enterprise of one champ is
-- summed at the champ_detail grain (the mart rolls it up to the private champs); only one whose
-- establishments fall in several champs is summed per champ directly (its champ_detail then holds the
-- champ, plusieurs_champs true).
-- Grain: trimestre × niveau × code × champ_detail.
with lignes as (
    select t.*
    from int_trimestres t
    semi join (select distinct champ_detail from ref_champs_trimestres) c on c.champ_detail = t.champ_detail
),

par_unite as (
    select l.trimestre, l.annee, tc.niveau, tc.code,
           case when e.plusieurs_champs then c.champ else l.champ_detail end as champ_detail,
           e.plusieurs_champs, l.siren,
           count(*) as etablissements, sum(l.effectif) as effectif, sum(l.masse_salariale) as masse_salariale
    from lignes l
    join int_trimestres_entreprises_multi e on e.trimestre = l.trimestre and e.siren = l.siren
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
)

select * from multiples
