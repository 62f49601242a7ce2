-- Quarterly derived indicators, computed only from published cells (pub_trimestres holds NULL measures
-- for every secret cell, so a change that would use one is NULL): change over the quarter and over a
-- year (glissement annuel), in % and in level, index base 100 at the first quarter of the series, and
-- the ESS share of private employment (of the run's own ensemble privé, and of URSSAF's commune × APE
-- total when that file is given). Grain: niveau × code × champ × trimestre × mesure × indicateur.
with cellules as (
    select *, cast(left(trimestre, 4) as integer) * 4 + cast(right(trimestre, 1) as integer) - 1 as rang
    from pub_trimestres
),

mesures as (
    select c.millesime, c.niveau, c.code, c.libelle, c.champ, c.trimestre, c.rang, m.mesure,
           case m.mesure when 'effectif' then c.effectif else c.masse_salariale end::double as valeur
    from cellules c
    cross join (values ('effectif'), ('masse_salariale')) m(mesure)
),

base as (
    select min(rang) as rang from cellules
),

comparaisons as (
    select n.*, k.indicateur, k.ecart, p.trimestre as trimestre_reference, p.valeur as valeur_reference
    from mesures n
    cross join (values ('variation_trimestrielle', 1), ('glissement_annuel', 4)) k(indicateur, ecart)
    join mesures p on (p.niveau, p.code, p.champ, p.mesure) = (n.niveau, n.code, n.champ, n.mesure)
                  and p.rang = n.rang - k.ecart
),

evolutions as (
    select millesime, niveau, code, libelle, champ, trimestre, mesure, indicateur || '_pct' as indicateur,
           100 * (valeur - valeur_reference) / nullif(valeur_reference, 0) as valeur, trimestre_reference
    from comparaisons
    union all
    select millesime, niveau, code, libelle, champ, trimestre, mesure, indicateur || '_absolue',
           valeur - valeur_reference, trimestre_reference
    from comparaisons
),

indices as (
    -- a union branch, named by position (two columns read trimestre)
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.trimestre, n.mesure, 'indice_base100',
           100 * n.valeur / nullif(b.valeur, 0), b.trimestre  -- noqa: AL08
    from mesures n
    join mesures b on (b.niveau, b.code, b.champ, b.mesure) = (n.niveau, n.code, n.champ, n.mesure)
    where b.rang = (select rang from base)
),

parts_prive as (
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.trimestre, n.mesure, 'part_dans_prive',
           100 * n.valeur / nullif(d.valeur, 0), null
    from mesures n
    join mesures d on (d.niveau, d.code, d.trimestre, d.mesure) = (n.niveau, n.code, n.trimestre, n.mesure)
                  and d.champ = 'ensemble_prive'
    where n.champ <> 'ensemble_prive'
),

parts_prive_urssaf as (   -- URSSAF's own private total (public data, its own secrecy) as denominator
    select n.millesime, n.niveau, n.code, n.libelle, n.champ, n.trimestre, n.mesure, 'part_dans_prive_urssaf',
           100 * n.valeur / nullif(u.effectif_prive, 0), null
    from mesures n
    join mart_trimestres_prive_urssaf u on (u.niveau, u.code, u.trimestre) = (n.niveau, n.code, n.trimestre)
    where n.mesure = 'effectif'
),

final as (
    select millesime, niveau, code, libelle, champ, 'trimestre' as dimension, trimestre as modalite, mesure,
           indicateur, valeur, trimestre_reference
    from (select * from evolutions union all select * from indices union all select * from parts_prive
          union all select * from parts_prive_urssaf) as indicateurs
    order by niveau, code, champ, modalite, mesure, indicateur
)

select * from final
