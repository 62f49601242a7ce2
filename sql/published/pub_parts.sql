-- Shares (%) of the published cells: in the ensemble, in the private sector, in the ESS, and the distribution
-- of a champ over a dimension's modalities. A share using a secret cell is NULL.
-- Grain: millesime × territory × champ × dimension × modalite × mesure × indicateur.
with mesures as (
    select * from pub_mesures
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
)

select * from part_ensemble
union all select * from part_prive
union all select * from part_ess
union all select * from repartition
