-- The quarterly cells' sums over the enterprises of several private establishments in the quarter
-- (int_trimestres_entreprises_multi), with what the primary secrecy rules need: each enterprise summed
-- per cell (one unit), then the units counted and the largest one kept. An enterprise of one champ is
-- summed at the champ_detail grain and rolled up to the private champs afterwards; only one whose
-- establishments fall in several champs is summed per champ directly.
-- Grain: trimestre × niveau × code × champ.
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
),

-- cells of several-champ enterprises are already at the champ grain (their champ_detail holds the champ)
final as (
    select m.trimestre, m.annee, m.niveau, m.code, c.champ, m.nb_unites, m.etablissements, m.effectif,
           m.masse_salariale, m.max_etablissements, m.max_effectif, m.max_masse_salariale
    from multiples m
    join ref_champs_trimestres c on c.champ_detail = m.champ_detail
    where not m.plusieurs_champs
    union all by name
    select trimestre, annee, niveau, code, champ_detail as champ, nb_unites, etablissements, effectif,
           masse_salariale, max_etablissements, max_effectif, max_masse_salariale
    from multiples
    where plusieurs_champs
)

select * from final
