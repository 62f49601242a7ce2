-- The delivered cells of the run's own territories, as INSEE delivered them: France, the région, its
-- départements and its EPCI, labelled from the reference geography (else the delivered label).
-- Grain: millesime × niveau × code × champ × dimension × modalite.
with departements_region as (
    select dep from ref_departements where reg = (select region from liv_parametres)
),

-- EPCI delivered for a département of the région (EPCI_T1's dep_epci), or with a
-- commune in the région (BTS tables name no département)
epci_region as (
    select distinct code from liv_cellules
    where niveau = 'epci' and (departement in (select dep from departements_region)
                               or code in (select epci from ref_communes
                                           where reg = (select region from liv_parametres)))
),

final as (
    select c.millesime, c.niveau, c.code,
           coalesce(case c.niveau when 'france' then 'France' when 'region' then r.libelle
                                  when 'departement' then d.libelle else e.libelle end, c.libelle) as libelle,
           c.champ, c.dimension, c.modalite, c.etablissements, c.postes, c.etp, c.remuneration_brute, c.secret,
           c.approximatif
    from liv_cellules_uniques c
    left join ref_regions r on c.niveau = 'region' and r.reg = c.code
    left join ref_departements d on c.niveau = 'departement' and d.dep = c.code
    left join ref_epci e on c.niveau = 'epci' and e.epci = c.code
    where c.niveau = 'france'
       or (c.niveau = 'region' and c.code = (select region from liv_parametres))
       or (c.niveau = 'departement' and c.code in (select dep from departements_region))
       or (c.niveau = 'epci' and c.code in (select code from epci_region))
)

select * from final
